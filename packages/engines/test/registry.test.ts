import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError, engineConfig, parseConfig } from '@atelier/config';
import { createEngines } from '../src/index.ts';

const configOf = (env: Record<string, string>) => parseConfig(z.object(engineConfig), env);
const namesOf = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(createEngines(configOf(env))).map(([kind, engine]) => [kind, `${engine.kind}/${engine.name}`]));
const problemsOf = (env: Record<string, string>) => {
  try {
    createEngines(configOf(env));
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('createEngines', () => {
  it('gives the local engines by default, one per kind', () => {
    expect(namesOf({})).toEqual({ image: 'image/local', video: 'video/local', voice: 'voice/local' });
  });

  it('gives the engines each variable names', () => {
    expect(namesOf({ IMAGE_ENGINE: 'instant' }).image).toBe('image/instant');
    expect(namesOf({ IMAGE_ENGINE: 'openai', VIDEO_ENGINE: 'huggingface', VOICE_ENGINE: 'openai', OPENAI_API_KEY: 'sk-x', HF_TOKEN: 'hf_x' })).toEqual({
      image: 'image/openai',
      video: 'video/huggingface',
      voice: 'voice/openai',
    });
    expect(namesOf({ VOICE_ENGINE: 'huggingface', HF_ENDPOINT_URL: 'http://127.0.0.1:9/endpoint' }).voice).toBe('voice/huggingface');
  });

  it('names every missing credential at once, with the variable that asked for it', () => {
    expect(problemsOf({ IMAGE_ENGINE: 'openai', VOICE_ENGINE: 'huggingface' })).toEqual([
      'IMAGE_ENGINE=openai: OPENAI_API_KEY: required when an engine is openai',
      'VOICE_ENGINE=huggingface: HF_TOKEN: required when an engine is huggingface (unless HF_ENDPOINT_URL points at an endpoint that needs none)',
    ]);
  });

  it('refuses an engine that does not exist for its kind', () => {
    const config = { ...configOf({}), VIDEO_ENGINE: 'instant' } as never;
    expect(() => createEngines(config)).toThrow(ConfigError);
    expect(() => createEngines(config)).toThrow('VIDEO_ENGINE: "instant" is not one of local, openai, huggingface');
  });
});
