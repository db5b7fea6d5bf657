import { randomUUID } from 'node:crypto';
import { ConfigError } from '@atelier/config';
import sharp from 'sharp';
import { JobError, type VideoParams } from '@atelier/contracts';
import { conformImage } from '../image/conformImage.ts';
import { progressReporter } from '../progressReporter.ts';
import type { Engine, EngineContext, EngineInput, GeneratedFile, PreparedGeneration } from '../types.ts';
import { deliverProviderVideo } from '../video/deliverProviderVideo.ts';
import { bindingProblems, bindWorkflow } from './bindWorkflow.ts';
import { cancelPrompt } from './cancelPrompt.ts';
import type { ComfyUiClient } from './comfyUiClient.ts';
import { ApiWorkflow, type NodeOutput } from './comfyUiProtocol.ts';
import { outputFileOf } from './outputFile.ts';
import type { PreviewFrame } from './previewFrame.ts';
import { previewThrottle } from './previewThrottle.ts';
import { type PromptRun, promptRun } from './promptRun.ts';
import { resultSizeOf } from './resultSize.ts';
import { samplingPreviewOf } from './samplingPreview.ts';
import { untilAborted } from './untilAborted.ts';

export type ComfyUiKind = 'image' | 'video';

export interface ComfyUiEngineOptions<K extends ComfyUiKind> {
  kind: K;
  /** The server, shared by every engine on it (`createComfyUiClient`). */
  client: ComfyUiClient;
  /** The workflow in ComfyUI's API format (File → Export (API)), as parsed JSON. */
  workflow: unknown;
  /** Our params to node inputs: `{ prompt: "6.inputs.text", seed: "3.inputs.seed" }`. `prompt` is the job's prompt. */
  bindings: Record<string, string>;
  /** The node whose saved file is the result. */
  output: string;
  /** The engine's name in logs and job records; the catalog passes the model id. */
  name?: string;
  /** At most one sampling preview per this many ms. Default 500: two a second. */
  previewIntervalMs?: number;
}

/** Share of the bar for the prompt's run; the download and conforming take the rest. */
const RUNNING_PERCENT = 90;

/**
 * A model on the operator's ComfyUI: the job's prompt and params bound into a copy of the
 * workflow, queued with `POST /prompt`, followed over the socket (progress, sampling
 * previews), and its output node's file fetched with `/view`. A canceled job's prompt leaves
 * ComfyUI's queue or is interrupted. Bad wiring (a binding to no node, an output node the
 * workflow lacks) stops the process at start-up.
 */
export function createComfyUiEngine<K extends ComfyUiKind>(options: ComfyUiEngineOptions<K>): Engine<K> & Required<Pick<Engine<K>, 'prepare'>> {
  const { kind, client, bindings, output, name = 'comfyui', previewIntervalMs = 500 } = options;
  const workflow = workflowOf(options.workflow, bindings, output, name);

  /** A canceled job stops at once; its prompt leaves ComfyUI beside it (a server that does not answer must not hold the job). */
  function withdraw(promptId: string): void {
    void cancelPrompt(client.http, promptId).catch((failure: unknown) => client.warn(`could not cancel ComfyUI prompt ${promptId}`, failure));
  }

  async function prepare(input: EngineInput<K>, signal: AbortSignal): Promise<PreparedGeneration> {
    const bound = bindWorkflow(workflow, bindings, { ...input.params, prompt: input.prompt });
    await client.socket.ready();
    signal.throwIfAborted();
    const run = promptRun({ http: client.http, socket: client.socket, promptId: randomUUID(), workflow: bound, outputNode: output });
    try {
      await client.http.submit(signal, { prompt: bound, client_id: client.clientId, prompt_id: run.promptId });
    } catch (error) {
      run.dispose();
      // The request may have reached ComfyUI before the job ended: our own prompt id finds it.
      if (signal.aborted) withdraw(run.promptId);
      throw error;
    }
    return {
      run: (ctx) => follow(run, input, ctx),
      discard: async () => {
        run.dispose();
        await cancelPrompt(client.http, run.promptId);
      },
    };
  }

  async function follow(run: PromptRun, input: EngineInput<K>, ctx: EngineContext): Promise<GeneratedFile[]> {
    const size = resultSizeOf(input.params);
    const report = progressReporter(ctx.progress);
    const previews = previewRelay(ctx, previewIntervalMs, size);
    run.attach({ progress: (fraction) => report(fraction * RUNNING_PERCENT, 'running'), preview: previews.offer });
    try {
      const saved = await untilAborted(run.outcome(), ctx.signal);
      await previews.settled();
      report(RUNNING_PERCENT + 2, 'downloading');
      const data = await client.http.view(ctx.signal, fileOf(saved, output));
      const files = kind === 'image' ? [await imageOutput(data, size)] : await deliverProviderVideo(data, input.params as VideoParams, ctx);
      report(100, 'done');
      return files;
    } catch (error) {
      if (ctx.signal.aborted) withdraw(run.promptId);
      throw error;
    } finally {
      run.dispose();
    }
  }

  return {
    kind,
    name,
    prepare,
    async generate(input, ctx) {
      const prepared = await prepare(input, ctx.signal);
      return prepared.run(ctx);
    },
  };
}

/**
 * Sampling previews to the job, at most one per interval and one at a time (the worker
 * stores each before the next): a frame that comes while one is being stored is dropped, a
 * newer one follows soon. A preview that fails fails the job, as with every engine.
 */
function previewRelay(ctx: EngineContext, intervalMs: number, size: { width: number; height: number } | undefined) {
  const throttle = previewThrottle(intervalMs);
  let inFlight: Promise<void> | undefined;
  let failure: unknown;
  return {
    offer(frame: PreviewFrame): void {
      if (inFlight || failure !== undefined || !throttle.admit()) return;
      inFlight = samplingPreviewOf(frame, size)
        .then((image) => ctx.preview(image))
        .catch((error: unknown) => {
          failure = error;
        })
        .finally(() => {
          inFlight = undefined;
        });
    },
    /** The last preview is out before the output: a preview never arrives after the result. */
    async settled(): Promise<void> {
      await inFlight;
      if (failure !== undefined) throw failure;
    },
  };
}

/** The picture as a PNG of the asked size (scaled to cover, cropped), or of its own size when the model asks none. */
async function imageOutput(data: Buffer, asked: { width: number; height: number } | undefined): Promise<GeneratedFile> {
  const size = asked ?? (await sharp(data).metadata().catch(undecodable));
  const png = await conformImage(data, size.width, size.height);
  return { role: 'output', data: png, contentType: 'image/png', extension: 'png', width: size.width, height: size.height };
}

function undecodable(error: unknown): never {
  throw new JobError('invalid_output', `ComfyUI's picture does not decode: ${(error as Error).message}`, { cause: error });
}

function fileOf(saved: NodeOutput, output: string) {
  const file = outputFileOf(saved);
  if (!file) throw new JobError('invalid_output', `ComfyUI's node ${output} saved no file: ${JSON.stringify(saved).slice(0, 300)}`);
  return file;
}

function workflowOf(raw: unknown, bindings: Record<string, string>, output: string, name: string): ApiWorkflow {
  const parsed = ApiWorkflow.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError([`${name}: workflow: not in ComfyUI's API format (export it with "Export (API)"): ${parsed.error.issues[0]?.message}`]);
  }
  const problems = bindingProblems(parsed.data, bindings);
  if (!Object.hasOwn(parsed.data, output)) problems.push(`output: node ${output} is not in the workflow`);
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `${name}: ${problem}`));
  return parsed.data;
}
