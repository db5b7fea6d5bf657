import type { InferenceClient } from '@huggingface/inference';
import { progressReporter } from '../progressReporter.ts';
import { callProvider } from '../providers/callProvider.ts';
import type { Engine } from '../types.ts';
import { deliverProviderVideo } from '../video/deliverProviderVideo.ts';
import { assertEvenSize } from '../video/evenSize.ts';
import { noRetry } from './huggingFaceClient.ts';
import { huggingFaceFailure } from './huggingFaceFailure.ts';

export interface HuggingFaceVideoOptions {
  model: string;
  /** Whether the client calls a dedicated endpoint (HF_ENDPOINT_URL). */
  onEndpoint: boolean;
  timeoutMs?: number;
}

/**
 * text-to-video, then deliverProviderVideo for the first frame and the asked size and length.
 * Through Inference Providers this is the SDK's `textToVideo`. On a dedicated endpoint the
 * SDK has no text-to-video task (its hf-inference helpers stop at text-to-image and speech),
 * so it goes through the SDK's generic `request`, which posts the same `{ inputs, parameters }`
 * the endpoint's handler takes; the SDK logs a deprecation warning for it.
 */
export function createHuggingFaceVideoEngine(client: InferenceClient, { model, onEndpoint, timeoutMs = 280_000 }: HuggingFaceVideoOptions): Engine<'video'> {
  return {
    kind: 'video',
    name: 'huggingface',
    async generate({ prompt, params }, ctx) {
      assertEvenSize(params.width, params.height);
      const report = progressReporter(ctx.progress);
      report(5, 'requested');
      const mp4 = await callProvider({ provider: 'Hugging Face', signal: ctx.signal, timeoutMs, classify: huggingFaceFailure }, async (signal) => {
        const parameters = { num_frames: params.seconds * params.fps, seed: params.seed };
        const blob = onEndpoint
          ? await client.request<Blob>({ inputs: prompt, parameters }, { signal, ...noRetry })
          : await client.textToVideo({ model, inputs: prompt, parameters }, { signal, ...noRetry });
        return Buffer.from(await blob.arrayBuffer());
      });
      report(90, 'received');
      const files = await deliverProviderVideo(mp4, params, ctx);
      report(100, 'encoded');
      return files;
    },
  };
}
