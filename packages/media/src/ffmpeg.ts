import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JobError } from '@atelier/contracts';

/** The programs Atelier runs, each with the Debian package that provides it. */
export const packageOf = { ffmpeg: 'ffmpeg', ffprobe: 'ffmpeg', 'espeak-ng': 'espeak-ng' } as const;
export type Tool = keyof typeof packageOf;

/** Enough of stderr to say why a program failed, without holding a long log in memory. */
const STDERR_TAIL_CHARS = 4000;

export interface RunOptions {
  /** On abort the program is killed at once and the run rejects with `signal.reason`. */
  signal: AbortSignal;
  /** Written to stdin, then stdin is closed. An iterable is written chunk by chunk, with backpressure. */
  input?: Buffer | Iterable<Buffer> | AsyncIterable<Buffer>;
}

/** ffmpeg and ffprobe catch SIGTERM, SIGINT and SIGHUP and exit with this code. */
const FFMPEG_SIGNALLED_EXIT = 255;

/** The program ran and failed: its exit status and the end of what it wrote to stderr. */
export class ToolFailedError extends JobError {
  /**
   * Stopped by a signal someone else sent (a shutdown reaching the whole cgroup, the OOM
   * killer), not by anything in its input: the same run may well succeed elsewhere.
   */
  readonly interrupted: boolean;

  constructor(
    readonly tool: Tool,
    readonly exitCode: number | null,
    readonly stderr: string,
    options: { signalled: boolean; cause?: unknown },
  ) {
    const status = exitCode === null ? 'was killed' : `exited with code ${exitCode}`;
    const interrupted = options.signalled || (tool !== 'espeak-ng' && exitCode === FFMPEG_SIGNALLED_EXIT);
    super('engine_failed', `${tool} ${status}: ${stderr.trim() || '(no output on stderr)'}`, { retryable: interrupted, cause: options.cause });
    this.name = 'ToolFailedError';
    this.interrupted = interrupted;
  }
}

/**
 * Every program running now. Each runs in a process group of its own, so a signal meant for
 * the worker's group (Ctrl-C, `kill -TERM -<pgid>`) does not reach it and the worker decides
 * when it stops; in exchange the worker must kill them itself, on abort and when it exits.
 */
const running = new Set<ChildProcess>();
let killedOnExit = false;

function track(child: ChildProcess): void {
  running.add(child);
  child.once('close', () => running.delete(child));
  if (killedOnExit) return;
  killedOnExit = true;
  process.once('exit', () => {
    for (const program of running) program.kill('SIGKILL');
  });
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Run one of our programs to completion and return its stdout. Rejects with `signal.reason`
 * when aborted, with a ToolFailedError when the program fails, and with an error naming the
 * package to install when the program is missing.
 */
export async function runTool(tool: Tool, args: readonly string[], { signal, input }: RunOptions): Promise<Buffer> {
  signal.throwIfAborted();
  const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  track(child);
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });

  const kill = () => child.kill('SIGKILL');
  signal.addEventListener('abort', kill, { once: true });
  let killedForInput = false;
  const inputFailure = feed(child, input).then(
    () => undefined,
    (error: unknown) => {
      // A failing input source (say, a frame renderer that threw) must not let the program
      // finish on a truncated input and report success.
      if (!isBrokenPipe(error)) {
        killedForInput = true;
        kill();
      }
      return error;
    },
  );
  try {
    const [exit, inputError] = await Promise.all([exitOf(tool, child), inputFailure]);
    if (signal.aborted) throw signal.reason;
    if (killedForInput) throw inputError;
    if (exit.code !== 0) throw new ToolFailedError(tool, exit.code, stderr, { signalled: exit.signal !== null, cause: inputError });
    // Exit 0 with a broken pipe: the program chose to stop reading, which is its right.
    return Buffer.concat(stdout);
  } finally {
    signal.removeEventListener('abort', kill);
  }
}

function feed(child: ChildProcess, input: RunOptions['input']): Promise<void> {
  const stdin = child.stdin!;
  if (input === undefined) {
    stdin.end();
    return Promise.resolve();
  }
  // Readable.from emits a Buffer whole rather than byte by byte.
  return pipeline(Readable.from(input), stdin);
}

function exitOf(tool: Tool, child: ChildProcess): Promise<Exit> {
  return new Promise((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') return reject(error);
      const install = `apt-get install ${packageOf[tool]}`;
      reject(new JobError('engine_failed', `${tool} is not installed (not found on PATH): ${install}`, { cause: error }));
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

function isBrokenPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
