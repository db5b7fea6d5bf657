import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError, engineConfig, parseConfig } from '@atelier/config';
import { createEngines } from '../src/index.ts';

const configOf = (env: Record<string, string>) => parseConfig(z.object(engineConfig), env);

describe('createEngines', () => {
  it('gives the local engines by default, one per kind', () => {
    const engines = createEngines(configOf({}));
    expect(Object.fromEntries(Object.entries(engines).map(([kind, engine]) => [kind, [engine.kind, engine.name]]))).toEqual({
      image: ['image', 'local'],
      video: ['video', 'local'],
      voice: ['voice', 'local'],
    });
  });

  it('gives the instant image engine when asked', () => {
    expect(createEngines(configOf({ IMAGE_ENGINE: 'instant' })).image.name).toBe('instant');
  });

  it('refuses an engine that does not exist, naming the variable', () => {
    const config = { ...configOf({}), VIDEO_ENGINE: 'instant' } as never;
    expect(() => createEngines(config)).toThrow(ConfigError);
    expect(() => createEngines(config)).toThrow('VIDEO_ENGINE: "instant" is not one of local, openai, huggingface');
  });
});
