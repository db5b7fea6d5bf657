import { JobError } from '@atelier/contracts';
import { runTool } from '@atelier/media';
import { progressReporter } from '../progressReporter.ts';
import type { Engine } from '../types.ts';
import { encodeVoice } from './encodeVoice.ts';
import type { Pcm } from './pcm.ts';
import { sentencesOf } from './sentencesOf.ts';
import { pcmOfWav } from './wav.ts';

/** espeak-ng's own default rate, in words a minute: speed 1. */
const WORDS_PER_MINUTE = 175;
/** Speaking takes this share of the progress bar; encoding the rest. */
const SPEAKING_PERCENT = 90;

/** Speaks the prompt with espeak-ng, a sentence at a time, joins the sentences and encodes them. */
export function createLocalVoiceEngine(): Engine<'voice'> {
  return {
    kind: 'voice',
    name: 'local',
    async generate({ prompt, params }, ctx) {
      const report = progressReporter(ctx.progress);
      const sentences = sentencesOf(prompt, params.voice);
      if (sentences.length === 0) throw new JobError('validation_failed', 'The prompt has nothing to say.');
      const spoken: Pcm[] = [];
      for (const [index, sentence] of sentences.entries()) {
        // The text goes in on stdin: a prompt that starts with "-" must not read as an option.
        const args = ['-v', params.voice, '-s', String(Math.round(WORDS_PER_MINUTE * params.speed)), '--stdout'];
        spoken.push(pcmOfWav(await runTool('espeak-ng', args, { signal: ctx.signal, input: Buffer.from(sentence) })));
        report(((index + 1) / sentences.length) * SPEAKING_PERCENT, 'speaking');
      }
      const file = await encodeVoice(joined(spoken), params.format, ctx.signal);
      report(100, 'encoded');
      return [file];
    },
  };
}

/** One voice speaks every sentence, so they share a rate and join end to end. */
function joined(parts: Pcm[]): Pcm {
  const samples = new Int16Array(parts.reduce((total, part) => total + part.samples.length, 0));
  let offset = 0;
  for (const part of parts) {
    samples.set(part.samples, offset);
    offset += part.samples.length;
  }
  return { sampleRate: parts[0]!.sampleRate, samples };
}
