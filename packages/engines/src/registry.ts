import type { z } from 'zod';
import { ConfigError, type engineConfig } from '@atelier/config';
import type { JobKind } from '@atelier/contracts';
import { createInstantImageEngine } from './image/instantImageEngine.ts';
import { createLocalImageEngine } from './image/localImageEngine.ts';
import type { Engine } from './types.ts';
import { createLocalVideoEngine } from './video/localVideoEngine.ts';
import { createLocalVoiceEngine } from './voice/localVoiceEngine.ts';

export type EngineConfig = z.infer<z.ZodObject<typeof engineConfig>>;
export type Engines = { [K in JobKind]: Engine<K> };

type Choices<K extends JobKind, Name extends string> = Record<Name, (config: EngineConfig) => Engine<K>>;

const imageEngines: Choices<'image', EngineConfig['IMAGE_ENGINE']> = {
  local: createLocalImageEngine,
  instant: createInstantImageEngine,
  openai: notYet('IMAGE_ENGINE', 'openai'),
  huggingface: notYet('IMAGE_ENGINE', 'huggingface'),
};
const videoEngines: Choices<'video', EngineConfig['VIDEO_ENGINE']> = {
  local: createLocalVideoEngine,
  openai: notYet('VIDEO_ENGINE', 'openai'),
  huggingface: notYet('VIDEO_ENGINE', 'huggingface'),
};
const voiceEngines: Choices<'voice', EngineConfig['VOICE_ENGINE']> = {
  local: createLocalVoiceEngine,
  openai: notYet('VOICE_ENGINE', 'openai'),
  huggingface: notYet('VOICE_ENGINE', 'huggingface'),
};

/**
 * One engine per kind, as IMAGE_ENGINE, VIDEO_ENGINE and VOICE_ENGINE say. Called at start-up:
 * a choice that does not exist, or lacks what it needs, stops the process with every problem named.
 */
export function createEngines(config: EngineConfig): Engines {
  const problems: string[] = [];
  const choose = <K extends JobKind>(variable: string, choices: Record<string, (config: EngineConfig) => Engine<K>>, name: string) => {
    const create = Object.hasOwn(choices, name) ? choices[name] : undefined;
    if (!create) {
      problems.push(`${variable}: "${name}" is not one of ${Object.keys(choices).join(', ')}`);
      return undefined;
    }
    try {
      return create(config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.issues);
      return undefined;
    }
  };
  const image = choose('IMAGE_ENGINE', imageEngines, config.IMAGE_ENGINE);
  const video = choose('VIDEO_ENGINE', videoEngines, config.VIDEO_ENGINE);
  const voice = choose('VOICE_ENGINE', voiceEngines, config.VOICE_ENGINE);
  if (!image || !video || !voice) throw new ConfigError(problems);
  return { image, video, voice };
}

function notYet(variable: string, name: string): () => never {
  return () => {
    throw new ConfigError([`${variable}: the ${name} engine is not available in this build yet`]);
  };
}
