import { z } from 'zod';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, engineConfig, parseConfig } from '@atelier/config';
import { builtInCatalog, CatalogFile } from '@atelier/contracts';
import { createEngines, runnableModels, sharedEngineParts } from '../src/index.ts';
import { comfyUiServer } from './support/comfyUiServer.ts';

const configOf = (env: Record<string, string>) => parseConfig(z.object(engineConfig), env);
const entry = (id: string, engine: string, kind: string, more: Record<string, unknown> = {}) => ({
  id,
  engine,
  kind,
  name: id,
  description: 'a test model',
  ...more,
});
// The example workflow shipped in docs/; the catalog loader makes a workflow path absolute, as here.
const workflow = fileURLToPath(new URL('../../../docs/comfyui/workflows/sdxl-turbo.json', import.meta.url));
const comfyUi = (id: string, more: Record<string, unknown> = {}) =>
  entry(id, 'comfyui', 'image', { baseUrl: 'http://127.0.0.1:9', workflow, bindings: { prompt: '6.inputs.text' }, output: '9', ...more });
const providers = CatalogFile.parse([
  entry('openai/gpt-image-1', 'openai', 'image', { providerModel: 'gpt-image-1' }),
  entry('openai/tts', 'openai', 'voice', { providerModel: 'gpt-4o-mini-tts' }),
  entry('hf/ltx', 'huggingface', 'video', { providerModel: 'Lightricks/LTX-Video' }),
  comfyUi('comfyui/sdxl'),
  comfyUi('comfyui/sdxl-steps', { bindings: { prompt: '6.inputs.text', steps: '3.inputs.steps' } }),
  comfyUi('comfyui/lost', { workflow: '/nonexistent/workflow.json' }),
  comfyUi('comfyui/speech', { kind: 'voice' }),
]);
const shared = sharedEngineParts({ clientId: 'registry-test', warn: () => undefined });
afterAll(() => shared.close());
const namesOf = (modelIds: string[], env: Record<string, string> = {}) =>
  Object.fromEntries([...createEngines(providers, modelIds, configOf(env), shared)].map(([id, engine]) => [id, `${engine.kind}/${engine.name}`]));
const problemsOf = (modelIds: string[], env: Record<string, string> = {}) => {
  try {
    createEngines(providers, modelIds, configOf(env), shared);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('createEngines', () => {
  it('gives each served model the engine its catalog entry names', () => {
    expect(namesOf(['atelier/landscape-sketch', 'atelier/landscape-pan', 'atelier/image-pan', 'atelier/espeak-voice', 'atelier/instant-test-image'])).toEqual({
      'atelier/landscape-sketch': 'image/local',
      'atelier/landscape-pan': 'video/local',
      'atelier/image-pan': 'video/image-pan',
      'atelier/espeak-voice': 'voice/local',
      'atelier/instant-test-image': 'image/instant',
    });
    expect(namesOf(['atelier/esrgan-x2', 'atelier/esrgan-x4', 'comfyui/sdxl'])).toEqual({
      'atelier/esrgan-x2': 'image/esrgan-x2',
      'atelier/esrgan-x4': 'image/esrgan-x4',
      'comfyui/sdxl': 'image/comfyui/sdxl',
    });
    expect(namesOf(['openai/gpt-image-1', 'openai/tts', 'hf/ltx'], { OPENAI_API_KEY: 'sk-x', HF_TOKEN: 'hf_x' })).toEqual({
      'openai/gpt-image-1': 'image/openai',
      'openai/tts': 'voice/openai',
      'hf/ltx': 'video/huggingface',
    });
  });

  it('names every model it cannot serve at once: missing credentials, an unreadable workflow, a kind ComfyUI cannot make, an unknown id', () => {
    expect(problemsOf(['openai/gpt-image-1', 'hf/ltx', 'comfyui/lost', 'comfyui/speech', 'nobody/nothing'])).toEqual([
      'WORKER_MODELS: openai/gpt-image-1: OPENAI_API_KEY: required when an engine is openai',
      'WORKER_MODELS: hf/ltx: HF_TOKEN: required when an engine is huggingface (unless HF_ENDPOINT_URL points at an endpoint that needs none)',
      expect.stringMatching(/^WORKER_MODELS: comfyui\/lost: workflow \/nonexistent\/workflow.json: ENOENT/),
      'WORKER_MODELS: comfyui/speech: kind: the comfyui engine makes images and videos, not voices',
      'WORKER_MODELS: nobody/nothing: not in the catalog',
    ]);
  });
});

describe('sharedEngineParts', () => {
  it('gives the models of one ComfyUI server one client, another server its own, and both upscalers one pool', () => {
    const parts = sharedEngineParts({ clientId: 'worker-1', upscaleThreads: 2, warn: () => undefined });
    const first = parts.comfyUiClient('http://127.0.0.1:9');
    expect(parts.comfyUiClient('http://127.0.0.1:9')).toBe(first);
    expect(parts.comfyUiClient('http://127.0.0.1:10')).not.toBe(first);
    expect(first.clientId).toBe('worker-1');
    expect(parts.esrganPool()).toBe(parts.esrganPool());
    expect(parts.esrganPool().threads).toBe(2);
    return parts.close();
  });

  it('closes the socket of each ComfyUI client it made', async () => {
    const server = await comfyUiServer({ msPerPrompt: 10 });
    try {
      const parts = sharedEngineParts({ clientId: 'worker-2', warn: () => undefined });
      await parts.comfyUiClient(server.url).socket.ready();
      expect(server.log).toContain('socket opened worker-2');
      await parts.close();
      await vi.waitFor(() => expect(server.log).toContain('socket closed worker-2'));
    } finally {
      await server.close();
    }
  });
});

describe('runnableModels', () => {
  it('is every listed model whose engine and credentials are here', () => {
    const builtIns = [
      'atelier/landscape-sketch',
      'atelier/landscape-pan',
      'atelier/image-pan',
      'atelier/espeak-voice',
      'atelier/esrgan-x2',
      'atelier/esrgan-x4',
    ];
    expect(runnableModels(builtInCatalog(), configOf({}), shared)).toEqual(builtIns);
    expect(runnableModels(providers, configOf({ OPENAI_API_KEY: 'sk-x' }), shared)).toEqual([
      ...builtIns,
      'openai/gpt-image-1',
      'openai/tts',
      'comfyui/sdxl',
      'comfyui/sdxl-steps',
    ]);
  });
});
