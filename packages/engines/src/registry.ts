import { ConfigError } from '@atelier/config';
import type { Catalog, CatalogModel, EngineName, JobKind, ModelEntryOf } from '@atelier/contracts';
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
import type { Engine } from './types.ts';
import { createLocalVideoEngine } from './video/localVideoEngine.ts';
import { createLocalVoiceEngine } from './voice/localVoiceEngine.ts';

/** The engine of each model this worker serves, by model id. */
export type Engines = ReadonlyMap<string, Engine>;

type Factory<E extends EngineName> = (model: ModelEntryOf<E>, config: EngineConfig) => Engine;

type ProviderModel = Pick<ModelEntryOf<'openai' | 'huggingface'>, 'kind' | 'providerModel'>;
const byKind =
  (makers: { [K in JobKind]: (model: ProviderModel, config: EngineConfig) => Engine<K> }) =>
  (model: ProviderModel, config: EngineConfig): Engine =>
    makers[model.kind](model, config);

/**
 * How each engine of the catalog is made. An engine missing here (ComfyUI, until its engine
 * lands: one line, `comfyui: (model, config) => createComfyUiEngine(model, ...)`) runs on no
 * worker of this build: its models are listed, and their jobs wait.
 */
const factories: { [E in EngineName]?: Factory<E> } = {
  'local-painter': () => createLocalImageEngine(),
  'local-video': () => createLocalVideoEngine(),
  'local-voice': () => createLocalVoiceEngine(),
  instant: () => createInstantImageEngine(),
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

function make(model: CatalogModel, config: EngineConfig): Engine | string[] {
  const factory = factories[model.engine] as Factory<typeof model.engine> | undefined;
  if (!factory) return [`${model.id}: the ${model.engine} engine is not part of this build`];
  try {
    return factory(model as never, config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${model.id}: ${issue}`);
  }
}

/**
 * The models a worker serves when WORKER_MODELS is unset: every listed model whose engine
 * this build has and whose keys or tokens are set.
 */
export function runnableModels(catalog: Catalog, config: EngineConfig): string[] {
  return catalog
    .visible()
    .filter((model) => !Array.isArray(make(model, config)))
    .map((model) => model.id);
}

/**
 * One engine per served model. Called at start-up: a model the catalog does not know, or
 * whose engine cannot run here (no such engine, a missing key or token), stops the process
 * with every problem named at once.
 */
export function createEngines(catalog: Catalog, modelIds: readonly string[], config: EngineConfig): Engines {
  const problems: string[] = [];
  const engines = new Map<string, Engine>();
  for (const id of modelIds) {
    const model = catalog.get(id);
    if (!model) {
      problems.push(`${id}: not in the catalog`);
      continue;
    }
    const engine = make(model, config);
    if (Array.isArray(engine)) problems.push(...engine);
    else engines.set(id, engine);
  }
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `WORKER_MODELS: ${problem}`));
  return engines;
}
