import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3rverMessage } from './s3rverProcess.ts';

export interface RunningS3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  /** s3rver's built-in account; it knows no other. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The S3 event names (`ObjectCreated:Put`, `ObjectCreated:Post` for a multipart upload…) seen for a key, oldest first. */
  eventsFor(key: string): string[];
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

/**
 * A real S3-protocol server (s3rver) in its own process on loopback, on a port the OS picks,
 * storing into a fresh temporary directory that `stop` removes. See `s3rverProcess.ts` for why
 * it runs in a separate process.
 */
export async function startS3Server(bucket = 'test-bucket'): Promise<RunningS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'atelier-s3rver-'));
  const child = fork(new URL('./s3rverProcess.ts', import.meta.url), [directory, bucket], {
    execArgv: ['--openssl-legacy-provider', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const events: Array<{ name: string; key: string }> = [];
  child.on('message', (message: S3rverMessage) => {
    if (message.type === 'event') events.push(message);
  });
  const port = await portOnceListening(child);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    eventsFor: (key) => events.filter((event) => event.key === key).map((event) => event.name),
    async stop() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function portOnceListening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.on('message', (message: S3rverMessage) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      resolve(message.port);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited before listening (code ${code}, signal ${signal})`));
    });
  });
}
