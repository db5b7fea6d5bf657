import { describe, expect, it } from 'vitest';
import { formatClock } from '../../apps/web/src/lib/format.ts';

describe('a clip length on a card, as its player shows it', () => {
  it('counts whole seconds down, as the native player does (3.6 s is 0:03, not 4 s)', () => {
    expect(formatClock(3.6)).toBe('0:03');
    expect(formatClock(0.4)).toBe('0:00');
    expect(formatClock(59.99)).toBe('0:59');
    expect(formatClock(65)).toBe('1:05');
    expect(formatClock(600.5)).toBe('10:00');
  });
});
