import { ConfigError } from '@atelier/config';
import type { Catalog, CatalogModel, EngineName, JobKind, ModelEntryOf } from '@atelier/contracts';
import { comfyUiModelEngine } from './comfyui/comfyUiModels.ts';
import type { EngineConfig } from './engineConfig.ts';
import { huggingFaceClientOf } from './huggingface/huggingFaceClient.ts';
import { createHuggingFaceImageEngine } from './huggingface/huggingFaceImageEngine.ts';
import { createHuggingFaceVideoEngine } from './huggingface/huggingFaceVideoEngine.ts';
import { createHuggingFaceVoiceEngine } from './huggingface/huggingFaceVoiceEngine.ts';
import { createInstantImageEngine } from './image/instantImageEngine.ts';
import { createLocalImageEngine } from './image/localImageEngine.ts';
import { openAiClientOf } from './openai/openAiClient.ts';
import { createOpenAiImageEngine } from './openai/openAiImageEngine.ts';
import { createOpenAiVideoEngine } from './openai/openAiVideoEngine.ts';
import { createOpenAiVoiceEngine } from './openai/openAiVoiceEngine.ts';
import type { SharedEngineParts } from './sharedEngineParts.ts';
import type { Engine } from './types.ts';
import { createEsrganEngine } from './upscale/esrganEngine.ts';
import { createImagePanEngine } from './video/imagePanEngine.ts';
import { createLocalVideoEngine } from './video/localVideoEngine.ts';
import { createLocalVoiceEngine } from './voice/localVoiceEngine.ts';

/** The engine of each model this worker serves, by model id. */
export type Engines = ReadonlyMap<string, Engine>;

type Factory<E extends EngineName> = (model: ModelEntryOf<E>, config: EngineConfig, shared: SharedEngineParts) => Engine;

type ProviderModel = Pick<ModelEntryOf<'openai' | 'huggingface'>, 'kind' | 'providerModel'>;
const byKind =
  (makers: { [K in JobKind]: (model: ProviderModel, config: EngineConfig) => Engine<K> }) =>
  (model: ProviderModel, config: EngineConfig): Engine =>
    makers[model.kind](model, config);

/**
 * How each engine of the catalog is made. The ComfyUI models of one server share its client,
 * and both upscalers the process's one thread pool (`shared`).
 */
const factories: { [E in EngineName]: Factory<E> } = {
  'local-painter': () => createLocalImageEngine(),
  'local-video': () => createLocalVideoEngine(),
  'local-image-pan': () => createImagePanEngine(),
  'local-voice': () => createLocalVoiceEngine(),
  instant: () => createInstantImageEngine(),
  esrgan: (model, _config, shared) => createEsrganEngine({ scale: model.scale, pool: shared.esrganPool() }),
  comfyui: (model, _config, shared) => comfyUiModelEngine(model, shared),
  openai: byKind({
    image: (model, config) => createOpenAiImageEngine(openAiClientOf(config), { model: model.providerModel }),
    video: (model, config) => createOpenAiVideoEngine(openAiClientOf(config), { model: model.providerModel }),
    voice: (model, config) => createOpenAiVoiceEngine(openAiClientOf(config), { model: model.providerModel }),
  }),
  huggingface: byKind({
    image: (model, config) => createHuggingFaceImageEngine(huggingFaceClientOf(config), { model: model.providerModel }),
    video: (model, config) =>
      createHuggingFaceVideoEngine(huggingFaceClientOf(config), { model: model.providerModel, onEndpoint: config.HF_ENDPOINT_URL !== undefined }),
    voice: (model, config) => createHuggingFaceVoiceEngine(huggingFaceClientOf(config), { model: model.providerModel }),
  }),
};

function make(model: CatalogModel, config: EngineConfig, shared: SharedEngineParts): Engine | string[] {
  const factory = factories[model.engine] as Factory<typeof model.engine>;
  try {
    return factory(model as never, config, shared);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${model.id}: ${issue}`);
  }
}

/**
 * The models a worker serves when WORKER_MODELS is unset: every listed model whose engine
 * can be made here (its keys or tokens set, its workflow readable).
 */
export function runnableModels(catalog: Catalog, config: EngineConfig, shared: SharedEngineParts): string[] {
  return catalog
    .visible()
    .filter((model) => !Array.isArray(make(model, config, shared)))
    .map((model) => model.id);
}

/**
 * One engine per served model. Called at start-up: a model the catalog does not know, or
 * whose engine cannot run here (a missing key or token, an unreadable workflow), stops the
 * process with every problem named at once.
 */
export function createEngines(catalog: Catalog, modelIds: readonly string[], config: EngineConfig, shared: SharedEngineParts): Engines {
  const problems: string[] = [];
  const engines = new Map<string, Engine>();
  for (const id of modelIds) {
    const model = catalog.get(id);
    if (!model) {
      problems.push(`${id}: not in the catalog`);
      continue;
    }
    const engine = make(model, config, shared);
    if (Array.isArray(engine)) problems.push(...engine);
    else engines.set(id, engine);
  }
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `WORKER_MODELS: ${problem}`));
  return engines;
}
