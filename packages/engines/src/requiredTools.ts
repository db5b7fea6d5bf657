import type { Catalog, EngineName, JobKind } from '@atelier/contracts';
import { installHint, missingTools, type Tool } from '@atelier/media';
import type { Engines } from './registry.ts';

/**
 * The programs each engine runs: the local ones speak and encode; provider and ComfyUI videos
 * and voices are re-encoded and decoded with ffmpeg; the upscaler and the painters run none.
 */
const toolsOfEngine: Record<EngineName, Partial<Record<JobKind, readonly Tool[]>>> = {
  'local-painter': {},
  'local-video': { video: ['ffmpeg'] },
  'local-image-pan': { video: ['ffmpeg'] },
  'local-voice': { voice: ['espeak-ng', 'ffmpeg'] },
  instant: {},
  esrgan: {},
  openai: { video: ['ffmpeg'], voice: ['ffmpeg'] },
  huggingface: { video: ['ffmpeg'], voice: ['ffmpeg'] },
  comfyui: { video: ['ffmpeg'] },
};
/** What the worker runs on every output of a kind, whatever made it: the output check (validateOutput). */
const toolsOfOutputCheck: Record<JobKind, readonly Tool[]> = { image: [], video: ['ffprobe', 'ffmpeg'], voice: ['ffprobe', 'ffmpeg'] };

/** Every program a job of `kind` run by `engine` needs. */
export function toolsNeeded(kind: JobKind, engine: EngineName): Tool[] {
  return [...new Set([...(toolsOfEngine[engine]?.[kind] ?? []), ...toolsOfOutputCheck[kind]])];
}

export interface UnavailableModel {
  model: string;
  missing: Tool[];
  /** For the person at the terminal: what is missing and what to install. */
  message: string;
}

/** The models among `modelIds` whose engine needs a program this machine lacks. */
export async function unavailableModels(catalog: Catalog, modelIds: readonly string[], env?: NodeJS.ProcessEnv): Promise<UnavailableModel[]> {
  const found = await Promise.all(
    modelIds.map(async (id) => {
      const model = catalog.get(id);
      return { model: id, missing: model ? await missingTools(toolsNeeded(model.kind, model.engine), env) : [] };
    }),
  );
  return found
    .filter(({ missing }) => missing.length > 0)
    .map((entry) => ({ ...entry, message: `${entry.model}: it needs ${entry.missing.join(', ')} (${installHint(entry.missing)})` }));
}

/**
 * The engines without the unavailable models'. With one queue per model, a worker that cannot
 * run a model does better not to take its jobs at all than to fail them: they wait (their
 * stream says for what) until a worker that can run them takes them.
 */
export function withoutUnavailable(engines: Engines, unavailable: readonly UnavailableModel[]): Engines {
  const refused = new Set(unavailable.map(({ model }) => model));
  return new Map([...engines].filter(([model]) => !refused.has(model)));
}
