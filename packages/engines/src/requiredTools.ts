import { JobError, type JobKind } from '@atelier/contracts';
import { installHint, missingTools, type Tool } from '@atelier/media';
import type { EngineConfig } from './engineConfig.ts';
import type { Engine } from './types.ts';
import type { Engines } from './registry.ts';

/**
 * The programs each engine runs, by kind and engine name: the local ones speak and encode;
 * provider videos and voices are re-encoded and decoded with ffmpeg.
 */
const toolsOfEngine: { [K in JobKind]: Record<string, readonly Tool[]> } = {
  image: { local: [], instant: [], openai: [], huggingface: [] },
  video: { local: ['ffmpeg'], openai: ['ffmpeg'], huggingface: ['ffmpeg'] },
  voice: { local: ['espeak-ng', 'ffmpeg'], openai: ['ffmpeg'], huggingface: ['ffmpeg'] },
};
/** What the worker runs on every output of a kind, whatever made it: the output check (validateOutput). */
const toolsOfOutputCheck: Record<JobKind, readonly Tool[]> = { image: [], video: ['ffprobe', 'ffmpeg'], voice: ['ffprobe', 'ffmpeg'] };

/** Every program a job of `kind` run by the engine named `engine` needs. */
export function toolsNeeded(kind: JobKind, engine: string): Tool[] {
  return [...new Set([...(toolsOfEngine[kind][engine] ?? []), ...toolsOfOutputCheck[kind]])];
}

export interface UnavailableKind {
  kind: JobKind;
  engine: string;
  missing: Tool[];
  /** For the person at the terminal: what is missing and what to install. */
  message: string;
}

/** The kinds whose chosen engine (IMAGE_ENGINE, VIDEO_ENGINE, VOICE_ENGINE) needs a program this machine lacks. */
export async function unavailableKinds(config: EngineConfig, env?: NodeJS.ProcessEnv): Promise<UnavailableKind[]> {
  const chosen: [JobKind, string][] = [
    ['image', config.IMAGE_ENGINE],
    ['video', config.VIDEO_ENGINE],
    ['voice', config.VOICE_ENGINE],
  ];
  const found = await Promise.all(chosen.map(async ([kind, engine]) => ({ kind, engine, missing: await missingTools(toolsNeeded(kind, engine), env) })));
  return found
    .filter(({ missing }) => missing.length > 0)
    .map((entry) => ({ ...entry, message: `${entry.kind} jobs (engine ${entry.engine}) need ${entry.missing.join(', ')}: ${installHint(entry.missing)}` }));
}

/**
 * The engines, with each unavailable kind's replaced by one that refuses its jobs at once
 * (not retried, credits refunded, the reason on the card) instead of failing halfway through.
 */
export function refusingUnavailable(engines: Engines, unavailable: readonly UnavailableKind[]): Engines {
  const refusing = { ...engines } as Record<JobKind, Engine>;
  for (const { kind, engine, message } of unavailable) {
    refusing[kind] = {
      kind,
      name: engine,
      generate: async () => {
        throw new JobError('engine_unavailable', `This worker cannot run ${message}`);
      },
    };
  }
  return refusing as Engines;
}
