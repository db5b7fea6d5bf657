import { ConfigError } from '@atelier/config';
import type { JobKind } from '@atelier/contracts';
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

export type Engines = { [K in JobKind]: Engine<K> };
type Choices<K extends JobKind> = Record<string, (config: EngineConfig) => Engine<K>>;

const imageEngines: Choices<'image'> = {
  local: createLocalImageEngine,
  instant: createInstantImageEngine,
  openai: (config) => createOpenAiImageEngine(openAiClientOf(config), { model: config.OPENAI_IMAGE_MODEL }),
  huggingface: (config) => createHuggingFaceImageEngine(huggingFaceClientOf(config), { model: config.HF_IMAGE_MODEL }),
};
const videoEngines: Choices<'video'> = {
  local: createLocalVideoEngine,
  openai: (config) => createOpenAiVideoEngine(openAiClientOf(config), { model: config.OPENAI_VIDEO_MODEL }),
  huggingface: (config) =>
    createHuggingFaceVideoEngine(huggingFaceClientOf(config), { model: config.HF_VIDEO_MODEL, onEndpoint: config.HF_ENDPOINT_URL !== undefined }),
};
const voiceEngines: Choices<'voice'> = {
  local: createLocalVoiceEngine,
  openai: (config) => createOpenAiVoiceEngine(openAiClientOf(config), { model: config.OPENAI_VOICE_MODEL }),
  huggingface: (config) => createHuggingFaceVoiceEngine(huggingFaceClientOf(config), { model: config.HF_VOICE_MODEL }),
};

/**
 * One engine per kind, as IMAGE_ENGINE, VIDEO_ENGINE and VOICE_ENGINE say. Called at start-up:
 * a choice that does not exist, or lacks what it needs (a key, a token), stops the process
 * with every problem named at once.
 */
export function createEngines(config: EngineConfig): Engines {
  const problems: string[] = [];
  const choose = <K extends JobKind>(variable: string, choices: Choices<K>, name: string): Engine<K> | undefined => {
    const create = Object.hasOwn(choices, name) ? choices[name] : undefined;
    if (!create) {
      problems.push(`${variable}: "${name}" is not one of ${Object.keys(choices).join(', ')}`);
      return undefined;
    }
    try {
      return create(config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.issues.map((issue) => `${variable}=${name}: ${issue}`));
      return undefined;
    }
  };
  const image = choose('IMAGE_ENGINE', imageEngines, config.IMAGE_ENGINE);
  const video = choose('VIDEO_ENGINE', videoEngines, config.VIDEO_ENGINE);
  const voice = choose('VOICE_ENGINE', voiceEngines, config.VOICE_ENGINE);
  if (!image || !video || !voice) throw new ConfigError(problems);
  return { image, video, voice };
}
