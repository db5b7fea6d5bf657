import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobError } from '@atelier/contracts';
import { runTool, withTempDir } from '@atelier/media';
import { progressReporter } from '../progressReporter.ts';
import type { Engine } from '../types.ts';
import { audioFormats } from './audioFormats.ts';
import { peaksOf } from './peaks.ts';
import { sentencesOf } from './sentencesOf.ts';
import { pcmOfWav, type Pcm } from './wav.ts';

/** espeak-ng's own default rate, in words a minute: speed 1. */
const WORDS_PER_MINUTE = 175;
/** Speaking takes this share of the progress bar; encoding the rest. */
const SPEAKING_PERCENT = 90;
const PEAK_COUNT = 100;

/**
 * Speaks the prompt with espeak-ng, a sentence at a time, joins the sentences and has ffmpeg
 * encode them. Duration and waveform peaks come from the spoken samples themselves.
 */
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
      const { sampleRate, samples } = joined(spoken);
      const format = audioFormats[params.format];
      const data = await withTempDir(async (dir) => {
        const file = join(dir, `voice.${format.extension}`);
        // Int16Array holds samples in the machine's byte order: little-endian wherever we run.
        const input = ['-v', 'error', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0'];
        await runTool('ffmpeg', [...input, ...format.codec, '-y', file], { signal: ctx.signal, input: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength) });
        return readFile(file);
      });
      report(100, 'encoded');
      return [{
        role: 'output',
        data,
        contentType: format.contentType,
        extension: format.extension,
        durationSeconds: samples.length / sampleRate,
        peaks: peaksOf(samples, PEAK_COUNT),
      }];
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
