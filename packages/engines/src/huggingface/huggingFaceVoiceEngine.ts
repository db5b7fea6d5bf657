import type { InferenceClient } from '@huggingface/inference';
import { progressReporter } from '../progressReporter.ts';
import { callProvider } from '../providers/callProvider.ts';
import type { Engine } from '../types.ts';
import { decodeToPcm } from '../voice/decodeToPcm.ts';
import { encodeVoice } from '../voice/encodeVoice.ts';
import { noRetry } from './huggingFaceClient.ts';
import { huggingFaceFailure } from './huggingFaceFailure.ts';

export interface HuggingFaceVoiceOptions {
  model: string;
  timeoutMs?: number;
}

/**
 * text-to-speech, decoded to samples and encoded like every other voice clip. Text-to-speech
 * models take no common speed parameter, so the asked speed is applied while decoding.
 */
export function createHuggingFaceVoiceEngine(client: InferenceClient, { model, timeoutMs = 60_000 }: HuggingFaceVoiceOptions): Engine<'voice'> {
  return {
    kind: 'voice',
    name: 'huggingface',
    async generate({ prompt, params }, ctx) {
      const report = progressReporter(ctx.progress);
      report(5, 'requested');
      const audio = await callProvider({ provider: 'Hugging Face', signal: ctx.signal, timeoutMs, classify: huggingFaceFailure }, async (signal) => {
        const blob = await client.textToSpeech({ model, inputs: prompt }, { signal, ...noRetry });
        return Buffer.from(await blob.arrayBuffer());
      });
      report(70, 'received');
      const pcm = await decodeToPcm(audio, ctx.signal, params.speed);
      const file = await encodeVoice(pcm, params.format, ctx.signal);
      report(100, 'encoded');
      return [file];
    },
  };
}
