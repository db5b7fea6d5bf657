import type { InferenceClient } from '@huggingface/inference';
import { conformImage } from '../image/conformImage.ts';
import { progressReporter } from '../progressReporter.ts';
import { callProvider } from '../providers/callProvider.ts';
import type { Engine } from '../types.ts';
import { noRetry } from './huggingFaceClient.ts';
import { huggingFaceFailure } from './huggingFaceFailure.ts';

export interface HuggingFaceImageOptions {
  model: string;
  timeoutMs?: number;
}

/** text-to-image with the job's size, steps and seed; the answer is conformed to the asked size. */
export function createHuggingFaceImageEngine(client: InferenceClient, { model, timeoutMs = 110_000 }: HuggingFaceImageOptions): Engine<'image'> {
  return {
    kind: 'image',
    name: 'huggingface',
    async generate({ prompt, params }, ctx) {
      const { width, height, steps, seed } = params;
      const report = progressReporter(ctx.progress);
      report(5, 'requested');
      const image = await callProvider({ provider: 'Hugging Face', signal: ctx.signal, timeoutMs, classify: huggingFaceFailure }, async (signal) => {
        const parameters = { width, height, num_inference_steps: steps, seed };
        const blob = await client.textToImage({ model, inputs: prompt, parameters }, { outputType: 'blob', signal, ...noRetry });
        return Buffer.from(await blob.arrayBuffer());
      });
      report(90, 'received');
      const png = await conformImage(image, width, height);
      report(100, 'encoded');
      return [{ role: 'output', data: png, contentType: 'image/png', extension: 'png', width, height }];
    },
  };
}
