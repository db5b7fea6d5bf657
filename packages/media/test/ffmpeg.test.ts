import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { JobError } from '@atelier/contracts';
import { runTool, ToolFailedError } from '../src/index.ts';

const noAbort = () => new AbortController().signal;

async function childrenNamed(command: string): Promise<number[]> {
  const list = await readFile(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8');
  const pids = list.split(' ').filter(Boolean).map(Number);
  const names = await Promise.all(
    pids.map((pid) =>
      readFile(`/proc/${pid}/comm`, 'utf8').then(
        (name) => name.trim(),
        () => '',
      ),
    ),
  );
  return pids.filter((_, index) => names[index] === command);
}

async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('gave up waiting');
}

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

  it('runs the program in a process group of its own, and a signal from outside is an interruption, not a bad input', async () => {
    const run = runTool('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine', '-f', 'null', '-'], { signal: noAbort() });
    const ffmpeg = await until(async () => (await childrenNamed('ffmpeg'))[0]);
    // Its own group: a signal to this process's group (Ctrl-C, systemd) would not reach it.
    expect((await readFile(`/proc/${ffmpeg}/stat`, 'utf8')).split(') ')[1]!.split(' ')[2]).toBe(String(ffmpeg));
    process.kill(ffmpeg, 'SIGTERM');
    const failure = (await run.catch((error: unknown) => error)) as ToolFailedError;
    expect(failure).toBeInstanceOf(ToolFailedError);
    expect(failure).toMatchObject({ interrupted: true, retryable: true });
    const bad = (await runTool('ffmpeg', ['-v', 'error', '-i', '/nonexistent/input.wav', '-f', 'null', '-'], { signal: noAbort() }).catch(
      (error: unknown) => error,
    )) as ToolFailedError;
    expect(bad).toMatchObject({ interrupted: false, retryable: false });
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
