import { describe, expect, it } from 'vitest';
import { JobError } from '@atelier/contracts';
import { runTool, ToolFailedError } from '../src/index.ts';

const noAbort = () => new AbortController().signal;

describe('runTool', () => {
  it('pipes stdin through the program and returns stdout', async () => {
    const pcm = Buffer.alloc(8000 * 2); // a second of 16-bit silence at 8 kHz
    const wav = await runTool('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 'wav', 'pipe:1'], {
      signal: noAbort(),
      input: pcm,
    });
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.length).toBeGreaterThan(pcm.length);
  });

  it('writes an async iterable chunk by chunk', async () => {
    async function* chunks() {
      for (let i = 0; i < 50; i++) yield Buffer.alloc(1600);
    }
    const raw = await runTool('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 's16le', 'pipe:1'], {
      signal: noAbort(),
      input: chunks(),
    });
    expect(raw.length).toBe(50 * 1600);
  });

  it('fails with the end of stderr when the program fails', async () => {
    const run = runTool('ffmpeg', ['-v', 'error', '-i', '/nonexistent/input.wav', '-f', 'null', '-'], { signal: noAbort() });
    await expect(run).rejects.toThrow(ToolFailedError);
    await expect(run).rejects.toThrow(/No such file or directory/);
  });

  it('kills the program on abort and rejects with the reason, promptly', async () => {
    const controller = new AbortController();
    // An endless sine wave: only the abort can stop it.
    const run = runTool('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine', '-f', 'null', '-'], { signal: controller.signal });
    const reason = new Error('canceled by the test');
    setTimeout(() => controller.abort(reason), 200);
    const started = Date.now();
    await expect(run).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does not report success when its input source fails', async () => {
    const broken = new Error('renderer broke');
    async function* failing() {
      yield Buffer.alloc(1600);
      throw broken;
    }
    const run = runTool('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 'wav', 'pipe:1'], {
      signal: noAbort(),
      input: failing(),
    });
    await expect(run).rejects.toBe(broken);
  });

  it('says which package to install when the program is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const run = runTool('espeak-ng', ['hello'], { signal: noAbort() });
      await expect(run).rejects.toThrow(JobError);
      await expect(run).rejects.toThrow('apt-get install espeak-ng');
    } finally {
      process.env.PATH = path;
    }
  });
});
