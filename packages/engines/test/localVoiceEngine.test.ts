import { describe, expect, it } from 'vitest';
import { VoiceParams } from '@atelier/contracts';
import { runTool, validateOutput } from '@atelier/media';
import { createLocalVoiceEngine } from '../src/index.ts';
import { peaksOf } from '../src/voice/peaks.ts';
import { sentencesOf } from '../src/voice/sentencesOf.ts';
import { pcmOfWav } from '../src/voice/wav.ts';
import { recordingContext, settleTimed } from './support/recordingContext.ts';

const engine = createLocalVoiceEngine();
const speak = async (prompt: string, params: Partial<VoiceParams> = {}) => {
  const recording = recordingContext();
  const [file] = await engine.generate({ prompt, params: VoiceParams.parse(params) }, recording.ctx);
  return { file: file!, recording };
};

describe('local voice engine', () => {
  it.each([
    ['mp3', 'audio/mpeg'],
    ['ogg', 'audio/ogg'],
    ['wav', 'audio/wav'],
  ] as const)('speaks to %s that decodes and lasts as long as it says', async (format, contentType) => {
    const { file } = await speak('Good morning. The weather is fine today.', { format });
    expect(file).toMatchObject({ role: 'output', contentType, extension: format });
    expect(file.durationSeconds).toBeGreaterThan(1);
    const measured = await validateOutput(file, { durationSeconds: file.durationSeconds, durationToleranceSeconds: 0.15 });
    expect(measured.durationSeconds).toBeGreaterThan(1);
  });

  it('summarises the waveform in 100 peaks between 0 and 1', async () => {
    const { file } = await speak('Peaks, please.');
    expect(file.peaks).toHaveLength(100);
    expect(file.peaks!.every((peak) => peak >= 0 && peak <= 1)).toBe(true);
    expect(Math.max(...file.peaks!)).toBeGreaterThan(0.1);
  });

  it('lasts longer for more text and shorter when faster', async () => {
    const one = await speak('One sentence.');
    const three = await speak('One sentence. Then a second one. And a third, a little longer than the others.');
    const fast = await speak('One sentence. Then a second one. And a third, a little longer than the others.', { speed: 2 });
    expect(three.file.durationSeconds!).toBeGreaterThan(one.file.durationSeconds! * 2);
    expect(fast.file.durationSeconds!).toBeLessThan(three.file.durationSeconds! * 0.7);
  });

  it('reports progress sentence by sentence, then 100', async () => {
    const { recording } = await speak('First. Second. Third.');
    expect(recording.progress()).toEqual([30, 60, 90, 100]);
  });

  it('speaks a prompt that starts with a dash as text, not as an option', async () => {
    const { file } = await speak('--help me, please.', { format: 'wav' });
    expect(file.durationSeconds).toBeGreaterThan(0.5);
  });

  it('stops promptly when aborted between sentences', async () => {
    const recording = recordingContext({ abortOn: (event) => event.type === 'progress' });
    const text = Array.from({ length: 40 }, (_, index) => `This is sentence number ${index + 1}.`).join(' ');
    const { error } = await settleTimed(engine.generate({ prompt: text, params: VoiceParams.parse({}) }, recording.ctx));
    expect(error).toBe(recording.controller.signal.reason);
    expect(recording.sinceAbort()).toBeLessThan(2000);
    expect(recording.progress()).toHaveLength(1);
  });
});

describe('voice pieces', () => {
  it('reads the samples of espeak-ng’s piped WAV, whose sizes are placeholders', async () => {
    const wav = await runTool('espeak-ng', ['-v', 'en', '--stdout'], { signal: new AbortController().signal, input: Buffer.from('Hello.') });
    expect(wav.readUInt32LE(40)).toBeGreaterThan(wav.length); // the claimed data size
    const pcm = pcmOfWav(wav);
    expect(pcm.sampleRate).toBe(22050);
    expect(pcm.samples.length).toBe((wav.length - 44) / 2);
  });

  it('refuses what is not a mono 16-bit WAV', () => {
    expect(() => pcmOfWav(Buffer.from('not a wav at all'))).toThrow('not a WAV file');
  });

  it('takes the loudest sample of each stretch as peaks', () => {
    expect(peaksOf(Int16Array.from([0, 16384, -32768, 0]), 2)).toEqual([0.5, 1]);
    expect(peaksOf(Int16Array.from([16384]), 4)).toEqual([0, 0, 0, 0.5]);
  });

  it('splits sentences the way the language does', () => {
    expect(sentencesOf('Dr. Smith is here. Is he? Yes!  ', 'en')).toEqual(['Dr.', 'Smith is here.', 'Is he?', 'Yes!']);
  });
});
