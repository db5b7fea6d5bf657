import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError, engineConfig, parseConfig } from '@atelier/config';
import { builtInCatalog, CatalogFile } from '@atelier/contracts';
import { createEngines, runnableModels } from '../src/index.ts';

const configOf = (env: Record<string, string>) => parseConfig(z.object(engineConfig), env);
const entry = (id: string, engine: string, kind: string, more: Record<string, unknown> = {}) => ({
  id,
  engine,
  kind,
  name: id,
  description: 'a test model',
  ...more,
});
const providers = CatalogFile.parse([
  entry('openai/gpt-image-1', 'openai', 'image', { providerModel: 'gpt-image-1' }),
  entry('openai/tts', 'openai', 'voice', { providerModel: 'gpt-4o-mini-tts' }),
  entry('hf/ltx', 'huggingface', 'video', { providerModel: 'Lightricks/LTX-Video' }),
  entry('comfyui/sdxl', 'comfyui', 'image', { baseUrl: 'http://127.0.0.1:9', workflow: 'w.json', bindings: { prompt: '6.inputs.text' }, output: '9' }),
]);
const namesOf = (modelIds: string[], env: Record<string, string> = {}) =>
  Object.fromEntries([...createEngines(providers, modelIds, configOf(env))].map(([id, engine]) => [id, `${engine.kind}/${engine.name}`]));
const problemsOf = (modelIds: string[], env: Record<string, string> = {}) => {
  try {
    createEngines(providers, modelIds, configOf(env));
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('createEngines', () => {
  it('gives each served model the engine its catalog entry names', () => {
    expect(namesOf(['atelier/landscape-sketch', 'atelier/landscape-pan', 'atelier/espeak-voice', 'atelier/instant-test-image'])).toEqual({
      'atelier/landscape-sketch': 'image/local',
      'atelier/landscape-pan': 'video/local',
      'atelier/espeak-voice': 'voice/local',
      'atelier/instant-test-image': 'image/instant',
    });
    expect(namesOf(['openai/gpt-image-1', 'openai/tts', 'hf/ltx'], { OPENAI_API_KEY: 'sk-x', HF_TOKEN: 'hf_x' })).toEqual({
      'openai/gpt-image-1': 'image/openai',
      'openai/tts': 'voice/openai',
      'hf/ltx': 'video/huggingface',
    });
  });

  it('names every model it cannot serve at once: missing credentials, an engine not in this build, an unknown id', () => {
    expect(problemsOf(['openai/gpt-image-1', 'hf/ltx', 'comfyui/sdxl', 'nobody/nothing'])).toEqual([
      'WORKER_MODELS: openai/gpt-image-1: OPENAI_API_KEY: required when an engine is openai',
      'WORKER_MODELS: hf/ltx: HF_TOKEN: required when an engine is huggingface (unless HF_ENDPOINT_URL points at an endpoint that needs none)',
      'WORKER_MODELS: comfyui/sdxl: the comfyui engine is not part of this build',
      'WORKER_MODELS: nobody/nothing: not in the catalog',
    ]);
  });
});

describe('runnableModels', () => {
  it('is every listed model whose engine and credentials are here', () => {
    expect(runnableModels(builtInCatalog(), configOf({}))).toEqual(['atelier/landscape-sketch', 'atelier/landscape-pan', 'atelier/espeak-voice']);
    expect(runnableModels(providers, configOf({ OPENAI_API_KEY: 'sk-x' }))).toEqual([
      'atelier/landscape-sketch',
      'atelier/landscape-pan',
      'atelier/espeak-voice',
      'openai/gpt-image-1',
      'openai/tts',
    ]);
  });
});
