import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../support/sseClient.ts';
import { RawPostgresConnection } from './support/rawPostgres.ts';

/*
 * `atelier up` on a machine with no PostgreSQL: EMBEDDED_DATABASE=pglite forces what `auto`
 * chooses there. The whole thing runs as a person runs it, `up` and the CLI as processes, in a
 * data folder of its own and on free ports, with no DATABASE_URL anywhere.
 */

const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;
const run = promisify(execFile);

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.add((server.address() as { port: number }).port);
    await new Promise((resolve) => server.close(resolve));
  }
  return [...ports];
}

let dataDir: string;
let baseUrl: string;
let databasePort: number;
let up: ChildProcess;
let upExited: Promise<number | null>;
let output = '';
/** The processes `up` started (API, worker, redis-server), read from the process table. */
let childPids: number[] = [];

/** Runs the CLI as `npm run atelier` would, with nothing but the data folder to find the database by. */
async function atelier(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [atelierBin, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ATELIER_DATA_DIR: dataDir } });
  return stdout;
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * What `ps` says of the process after waiting up to 5 s for it to go ('' once it is gone). A
 * zombie has exited: one whose parent, `up`, went first waits for whoever adopts it to reap it.
 * (tsx's esbuild helper, a child of `up` too, goes when `up` closes its end of their pipe.)
 */
async function stillRunning(pid: number): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    // ps exits 1 when there is no such process: that is the answer hoped for.
    const { stdout } = await run('ps', ['-o', 'stat=,args=', '-p', String(pid)]).catch(() => ({ stdout: '' }));
    if (stdout.trim() === '' || stdout.trim().startsWith('Z')) return '';
    if (Date.now() > deadline) return stdout.trim();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'atelier-up-'));
  const [port, redisPort, pglitePort] = await freePorts(3);
  baseUrl = `http://127.0.0.1:${port}`;
  databasePort = pglitePort!;
  up = spawn(process.execPath, [atelierBin, 'up'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ATELIER_DATA_DIR: dataDir,
      EMBEDDED_DATABASE: 'pglite',
      EMBEDDED_DATABASE_PORT: String(pglitePort),
      EMBEDDED_REDIS_PORT: String(redisPort),
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  upExited = new Promise((resolve) => up.once('exit', (code) => resolve(code)));

  // PGlite's first start creates its database (some 15 s), then migrations, then the children.
  const deadline = Date.now() + 100_000;
  while (
    !(await fetch(`${baseUrl}/healthz`).then(
      (response) => response.ok,
      () => false,
    ))
  ) {
    if (up.exitCode !== null) throw new Error(`atelier up exited with ${up.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`atelier up did not serve /healthz in time:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { stdout } = await run('ps', ['-o', 'pid=,args=', '--ppid', String(up.pid)]);
  childPids = stdout
    .trim()
    .split('\n')
    .map((line) => Number(line.trim().split(/\s+/)[0]));
  expect(stdout).toMatch(/atelier\.js api/);
  expect(stdout).toMatch(/atelier\.js worker/);
  expect(stdout).toMatch(/redis-server/);
}, 120_000);

afterAll(async () => {
  // Only when a test failed before stopping it: nothing of this file's may outlive it.
  if (up && up.exitCode === null && up.signalCode === null) {
    for (const pid of [up.pid!, ...childPids]) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('atelier up with the embedded PGlite', () => {
  it('runs a job end to end: a key made by the CLI, a submit, its stream to succeeded', async () => {
    expect(output).toContain(`PGlite`);
    // Last, once the API and the worker serve: the one address to open.
    await expect
      .poll(() => output.trimEnd(), { timeout: 30_000 })
      .toMatch(/Atelier is running\. Open (\S+)\/app\n[\s\S]*KEY=\$\(npx atelier keys create --email you@example\.com\)$/);
    expect(output).toContain(`Atelier is running. Open ${baseUrl}/app`);
    expect((await readFile(join(dataDir, 'database-url'), 'utf8')).trim()).toBe(`postgres://postgres@127.0.0.1:${databasePort}/postgres`);

    const created = JSON.parse(await atelier('users', 'create', '--email', 'pglite@example.com', '--credits', '50', '--json')) as {
      apiKey: string;
      credits: number;
    };
    expect(created.credits).toBe(50);
    const headers = { authorization: `Bearer ${created.apiKey}` };

    const submit = await fetch(`${baseUrl}/api/generate/image`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a lighthouse at dusk', params: { width: 256, height: 256, steps: 8, seed: 3 } }),
    });
    expect(submit.status).toBe(202);
    const { job, streamUrl } = (await submit.json()) as { job: { id: string; cost: number }; streamUrl: string };
    const events = await readStream(baseUrl + streamUrl, headers);
    expect(events[0]!.type).toBe('snapshot');
    expect(events.map((event) => event.type)).toContain('output');
    expect(events.at(-1)!.data).toMatchObject({ type: 'status', status: 'succeeded' });

    const me = (await (await fetch(`${baseUrl}/api/me`, { headers })).json()) as { credits: number };
    expect(me.credits).toBe(50 - job.cost);
  });

  it('keeps a query with parameters whole while another connection sends one', async () => {
    const first = await RawPostgresConnection.open(databasePort);
    const second = await RawPostgresConnection.open(databasePort);
    try {
      first.parse('SELECT $1::int + 1 AS answer');
      await first.waitFor('1');
      // Served in between, this Parse would replace the first's unnamed statement (pglite#1046).
      second.query(`SELECT 'second' AS who`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(second.messageTypes).toBe('');
      first.bindExecuteSync(['7340']);
      await first.waitFor('Z');
      await second.waitFor('Z');
      expect(first.messageTypes).not.toContain('E');
      expect(first.text).toContain('7341');
      expect(second.text).toContain('second');
    } finally {
      first.close();
      second.close();
    }
  });

  it('stops on SIGTERM: every child exits, PGlite writes its data out and lets go of its folder', async () => {
    up.kill('SIGTERM');
    expect(await upExited, output).toBe(0);
    for (const pid of childPids) expect(await stillRunning(pid), `pid ${pid}`).toBe('');
    expect(existsSync(join(dataDir, 'database-url'))).toBe(false);
    expect(existsSync(join(dataDir, 'pglite.pid'))).toBe(false);

    const db = await PGlite.create({ dataDir: join(dataDir, 'pglite') });
    try {
      const { rows } = await db.query<{ status: string }>(
        `SELECT status FROM generation_jobs JOIN users ON users.id = user_id WHERE email = 'pglite@example.com'`,
      );
      expect(rows).toEqual([{ status: 'succeeded' }]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
