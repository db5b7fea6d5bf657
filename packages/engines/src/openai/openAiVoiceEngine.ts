import type OpenAI from 'openai';
import { progressReporter } from '../progressReporter.ts';
import { callProvider } from '../providers/callProvider.ts';
import type { Engine } from '../types.ts';
import { encodeVoice } from '../voice/encodeVoice.ts';
import { samplesOf } from '../voice/pcm.ts';
import { openAiFailure } from './openAiFailure.ts';

export interface OpenAiVoiceOptions {
  model: string;
  timeoutMs?: number;
}

/** OpenAI's `pcm` format: raw 16-bit little-endian mono at 24 kHz, no header. */
const PCM_SAMPLE_RATE = 24_000;
/** OpenAI's voices speak every language they are given; the language is read from the text. */
const VOICE = 'alloy';

/**
 * OpenAI's speech API, asked for raw samples so that peaks and duration come from the voice
 * itself; they are then encoded like every other voice clip.
 */
export function createOpenAiVoiceEngine(client: OpenAI, { model, timeoutMs = 60_000 }: OpenAiVoiceOptions): Engine<'voice'> {
  return {
    kind: 'voice',
    name: 'openai',
    async generate({ prompt, params }, ctx) {
      const report = progressReporter(ctx.progress);
      report(5, 'requested');
      const pcm = await callProvider({ provider: 'OpenAI', signal: ctx.signal, timeoutMs, classify: openAiFailure }, async (signal) => {
        const response = await client.audio.speech.create({ model, voice: VOICE, input: prompt, response_format: 'pcm', speed: params.speed }, { signal });
        return Buffer.from(await response.arrayBuffer());
      });
      report(80, 'received');
      const file = await encodeVoice({ sampleRate: PCM_SAMPLE_RATE, samples: samplesOf(pcm) }, params.format, ctx.signal);
      report(100, 'encoded');
      return [file];
    },
  };
}
