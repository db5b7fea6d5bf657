import type OpenAI from 'openai';
import { JobError } from '@atelier/contracts';
import { conformImage } from '../image/conformImage.ts';
import { progressReporter } from '../progressReporter.ts';
import { callProvider } from '../providers/callProvider.ts';
import type { Engine } from '../types.ts';
import { openAiFailure } from './openAiFailure.ts';

export interface OpenAiImageOptions {
  model: string;
  /** Image models take tens of seconds; past this the provider counts as unavailable. */
  timeoutMs?: number;
}

/** The sizes each model family draws, by the shape of the picture asked for. */
const sizesByFamily = {
  'dall-e-2': { square: '1024x1024', landscape: '1024x1024', portrait: '1024x1024' },
  'dall-e-3': { square: '1024x1024', landscape: '1792x1024', portrait: '1024x1792' },
  'gpt-image': { square: '1024x1024', landscape: '1536x1024', portrait: '1024x1536' },
} as const;

/** OpenAI's Images API: the closest size the model draws, then scaled and cropped to the asked one. */
export function createOpenAiImageEngine(client: OpenAI, { model, timeoutMs = 110_000 }: OpenAiImageOptions): Engine<'image'> {
  const family = model === 'dall-e-2' || model === 'dall-e-3' ? model : 'gpt-image';
  return {
    kind: 'image',
    name: 'openai',
    async generate({ prompt, params }, ctx) {
      const { width, height } = params;
      const report = progressReporter(ctx.progress);
      report(5, 'requested');
      const shape = width === height ? 'square' : width > height ? 'landscape' : 'portrait';
      const request = {
        model,
        prompt,
        n: 1,
        size: sizesByFamily[family][shape],
        // DALL·E answers with a link unless asked for the bytes; GPT Image always sends the bytes.
        ...(family === 'gpt-image' ? {} : { response_format: 'b64_json' as const }),
      };
      const response = await callProvider({ provider: 'OpenAI', signal: ctx.signal, timeoutMs, classify: openAiFailure }, (signal) =>
        client.images.generate(request, { signal }),
      );
      const image = response.data?.[0]?.b64_json;
      if (!image) throw new JobError('invalid_output', 'OpenAI answered without image data.');
      report(90, 'received');
      const png = await conformImage(Buffer.from(image, 'base64'), width, height);
      report(100, 'encoded');
      return [{ role: 'output', data: png, contentType: 'image/png', extension: 'png', width, height }];
    },
  };
}
