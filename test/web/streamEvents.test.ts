import { describe, expect, it } from 'vitest';
import { compareEventIds } from '../../apps/web/src/jobs/eventIds.ts';
import { parseStreamEvent } from '../../apps/web/src/jobs/streamEvents.ts';

describe('parseStreamEvent', () => {
  it('takes the type from the SSE event name', () => {
    expect(parseStreamEvent('progress', '{"percent":42}')).toEqual({ type: 'progress', percent: 42 });
    expect(parseStreamEvent('status', '{"type":"status","status":"running"}')).toEqual({ type: 'status', status: 'running' });
  });

  it('reads output events with their optional fields', () => {
    const event = parseStreamEvent('output', JSON.stringify({ url: '/a.mp3', contentType: 'audio/mpeg', bytes: 10, peaks: [0.1, 0.9] }));
    expect(event).toEqual({ type: 'output', url: '/a.mp3', contentType: 'audio/mpeg', bytes: 10, peaks: [0.1, 0.9] });
  });

  it('rejects what the contracts do not allow', () => {
    expect(parseStreamEvent('progress', '{"percent":420}')).toBeNull();
    expect(parseStreamEvent('status', '{"status":"exploded"}')).toBeNull();
    expect(parseStreamEvent('bogus', '{}')).toBeNull();
    expect(parseStreamEvent('progress', 'not json')).toBeNull();
    expect(parseStreamEvent('progress', '[1]')).toBeNull();
    expect(parseStreamEvent('snapshot', '{"job":{"id":"x"}}')).toBeNull();
  });

  it('accepts a reset with or without a reason', () => {
    expect(parseStreamEvent('reset', '{"reason":"trimmed"}')).toEqual({ type: 'reset', reason: 'trimmed' });
    expect(parseStreamEvent('reset', '')).toEqual({ type: 'reset', reason: '' });
  });
});

describe('compareEventIds', () => {
  it('orders Redis stream ids numerically', () => {
    expect(compareEventIds('1-0', '1-0')).toBe(0);
    expect(compareEventIds('2-0', '10-0')).toBe(-1);
    expect(compareEventIds('10-2', '10-10')).toBe(-1);
    expect(compareEventIds('1700000000001-0', '1700000000000-99')).toBe(1);
  });

  it('can only tell other ids equal or not', () => {
    expect(compareEventIds('abc', 'abc')).toBe(0);
    expect(compareEventIds('abc', 'abd')).toBe(1);
  });
});
