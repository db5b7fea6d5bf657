import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobError } from '@atelier/contracts';
import { runTool, ToolFailedError } from './ffmpeg.ts';
import { placeholderFrom, thumbnailOf, type Thumbnail } from './placeholder.ts';
import { probeFile, type MediaInfo } from './probe.ts';
import { withTempDir } from './tempDir.ts';

export interface OutputFile {
  data: Buffer;
  contentType: string;
}

/** What the file should be. Whatever is left out is not checked, except that audio and video must last. */
export interface OutputExpectation {
  width?: number;
  height?: number;
  durationSeconds?: number;
  /** How far the measured duration may stray from the expected one; half a second unless told. */
  durationToleranceSeconds?: number;
}

/** What the file was measured to be: store these, not what an engine claimed. */
export interface MeasuredOutput {
  width?: number;
  height?: number;
  durationSeconds?: number;
  /** Pictures only: their placeholder, from the same decode that checked them. */
  blurhash?: string;
}

type Check = (data: Buffer, expectation: OutputExpectation, signal: AbortSignal) => Promise<MeasuredOutput>;

const checks: Record<string, Check> = {
  'image/png': (data, expectation) => checkImage('png', data, expectation),
  'image/jpeg': (data, expectation) => checkImage('jpeg', data, expectation),
  'video/mp4': checkVideo,
  'audio/mpeg': (data, expectation, signal) => checkAudio('mp3', data, expectation, signal),
  'audio/ogg': (data, expectation, signal) => checkAudio('ogg', data, expectation, signal),
  'audio/wav': (data, expectation, signal) => checkAudio('wav', data, expectation, signal),
};

/**
 * Check that a file is what its content type says, decoding it whole, and that it has the
 * expected size and duration. Throws `invalid_output` (not retryable: the same engine would
 * make the same file) otherwise.
 */
export async function validateOutput(
  file: OutputFile,
  expectation: OutputExpectation = {},
  signal: AbortSignal = new AbortController().signal,
): Promise<MeasuredOutput> {
  const check = checks[file.contentType];
  if (!check) throw invalid(`unsupported content type ${file.contentType}`);
  if (file.data.length === 0) throw invalid(`${file.contentType} output is empty`);
  return check(file.data, expectation, signal);
}

async function checkImage(format: 'png' | 'jpeg', data: Buffer, expectation: OutputExpectation): Promise<MeasuredOutput> {
  const thumbnail = await decodeImage(data);
  if (thumbnail.format !== format) throw invalid(`image/${format} output is ${thumbnail.format}`);
  const size = { width: thumbnail.sourceWidth, height: thumbnail.sourceHeight };
  expectSize(`image/${format}`, size, expectation);
  return { ...size, blurhash: placeholderFrom(thumbnail).blurhash };
}

async function decodeImage(data: Buffer): Promise<Thumbnail> {
  try {
    return await thumbnailOf(data);
  } catch (error) {
    throw invalid(`image does not decode: ${(error as Error).message}`, error);
  }
}

async function checkVideo(data: Buffer, expectation: OutputExpectation, signal: AbortSignal): Promise<MeasuredOutput> {
  const info = await probeAndDecode(data, signal);
  if (!info.container.split(',').includes('mp4')) throw invalid(`video/mp4 output is a ${info.container} file`);
  if (info.codec !== 'h264') throw invalid(`video/mp4 output is ${info.codec}, expected h264`);
  // Browsers play H.264 reliably only in 4:2:0.
  if (info.pixFmt !== 'yuv420p') throw invalid(`video/mp4 output is ${info.pixFmt}, expected yuv420p`);
  expectSize('video/mp4', { width: info.width ?? 0, height: info.height ?? 0 }, expectation);
  expectDuration('video/mp4', info, expectation);
  return { width: info.width, height: info.height, durationSeconds: info.durationSeconds };
}

async function checkAudio(container: 'mp3' | 'ogg' | 'wav', data: Buffer, expectation: OutputExpectation, signal: AbortSignal): Promise<MeasuredOutput> {
  const info = await probeAndDecode(data, signal);
  if (info.container !== container) throw invalid(`${container} audio output is a ${info.container} file`);
  expectDuration(`${container} audio`, info, expectation);
  return { durationSeconds: info.durationSeconds };
}

/** Probe, then decode every frame: a truncated file probes fine but fails to decode. */
function probeAndDecode(data: Buffer, signal: AbortSignal): Promise<MediaInfo> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'output');
    await writeFile(file, data);
    try {
      const info = await probeFile(file, signal);
      await runTool('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { signal });
      return info;
    } catch (error) {
      if (error instanceof ToolFailedError) throw invalid(`output does not decode: ${error.message}`, error);
      throw error;
    }
  });
}

function expectSize(what: string, actual: { width: number; height: number }, expected: OutputExpectation): void {
  const widthWrong = expected.width !== undefined && actual.width !== expected.width;
  const heightWrong = expected.height !== undefined && actual.height !== expected.height;
  if (widthWrong || heightWrong) {
    const wanted = `${expected.width ?? 'any'}×${expected.height ?? 'any'}`;
    throw invalid(`${what} output is ${actual.width}×${actual.height}, expected ${wanted}`);
  }
}

function expectDuration(what: string, info: MediaInfo, expected: OutputExpectation): void {
  const seconds = info.durationSeconds;
  if (seconds === undefined || seconds <= 0) throw invalid(`${what} output has no duration`);
  if (expected.durationSeconds === undefined) return;
  const tolerance = expected.durationToleranceSeconds ?? 0.5;
  if (Math.abs(seconds - expected.durationSeconds) > tolerance) {
    throw invalid(`${what} output lasts ${seconds.toFixed(2)} s, expected ${expected.durationSeconds} s ± ${tolerance}`);
  }
}

function invalid(message: string, cause?: unknown): JobError {
  return new JobError('invalid_output', message, { retryable: false, cause });
}
