import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues } from '@atelier/contracts';
import { catalogFile } from '../support/catalogFiles.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { readStream } from '../support/sseClient.ts';
import { creditMovesOf, expectExactLedger, historyOf, jobRow, slowVideo, submit, waitFor, waitForStatus } from './support/jobs.ts';

const run = promisify(execFile);
const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;

/**
 * Failing on purpose through real engine paths: the OpenAI engines against a loopback server
 * that answers as OpenAI documents its errors — 401 for images (refused credentials: never
 * retried) and 503 for speech (the provider is down: retried with backoff, then dead-lettered).
 */
/** Images and speech through OpenAI (on loopback, failing), as the API and the first worker see the catalog. */
const voiceEntry = { id: 'test/voice', kind: 'voice', name: 'Voice', description: 'Speech.', default: true };
const providerCatalog = catalogFile([
  { id: 'test/image', kind: 'image', engine: 'openai', providerModel: 'gpt-image-1', name: 'Image', description: 'Pictures.', default: true },
  { ...voiceEntry, engine: 'openai', providerModel: 'gpt-4o-mini-tts' },
]);
/** The operator's fix: the same voice model, now spoken by the local engine. */
const fixedCatalog = catalogFile([{ ...voiceEntry, engine: 'local-voice' }]);

let provider: Server;
let providerUrl: string;
let platform: TestPlatform;
let alice: TestUser;
let admin: TestUser;
let poisonWorker: ChildProcess;

beforeAll(async () => {
  provider = createServer((request, response) => {
    request.resume();
    const refused = request.url?.includes('/images/');
    response.writeHead(refused ? 401 : 503, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        error: refused
          ? { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' }
          : { message: 'The server is overloaded.', type: 'server_error', code: null },
      }),
    );
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  providerUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}/v1`;
  platform = await TestPlatform.start({ ADMIN_EMAILS: 'ops@example.com', ATELIER_MODELS: providerCatalog });
  alice = await platform.createUser({ credits: 1_000 });
  admin = await platform.createUser({ email: 'ops@example.com', credits: 0 });
  poisonWorker = await platform.startWorker({
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: providerUrl,
    JOB_TIMEOUT_VIDEO_MS: '1500',
    RECONCILE_INTERVAL_MS: '500',
  });
});
afterAll(async () => {
  await expectExactLedger(platform, [alice.user.id]);
  await platform?.stop();
  await new Promise((resolve) => provider?.close(resolve));
});

const cli = async (...args: string[]) => (await run(process.execPath, [atelierBin, ...args], { env: platform.env })).stdout;
const speech = { prompt: 'The quick brown fox jumps over the lazy dog.', params: { voice: 'en', format: 'mp3' } };

describe('retries, dead letters and time limits', () => {
  it('an error that must not be retried fails at once: one attempt, refunded', async () => {
    const job = await submit(platform.baseUrl, alice, 'image', { prompt: 'a lighthouse', params: { width: 256, height: 256 } });
    const row = await waitForStatus(platform, job.id, ['failed', 'succeeded']);
    expect(row).toMatchObject({ status: 'failed', error_code: 'provider_auth_failed', attempts: 1 });
    expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'refund']);
  });

  it("a job past its kind's time limit fails with `timeout`, its engine stopped, refunded", async () => {
    const job = await submit(platform.baseUrl, alice, 'video', slowVideo);
    const events = await readStream(platform.baseUrl + job.streamUrl, alice.headers, { timeoutMs: 30_000 });
    expect(events.at(-1)!.data.status).toBe('failed');
    expect(events.find((e) => e.type === 'error')!.data).toMatchObject({ code: 'timeout', retrying: false });
    const row = await jobRow(platform, job.id);
    expect(row).toMatchObject({ status: 'failed', error_code: 'timeout', attempts: 1 });
    // The engine stopped: the queue entry is no longer active.
    await waitFor(
      'the queue entry to leave active',
      async () => (await platform.queueOf(platform.defaultModel('video')).getJobState(job.id)) === 'failed',
      2_000,
      50,
    );
  });

  it('dead letters lost with Redis are rebuilt from the failed rows, with their errors and when they failed', async () => {
    const job = await submit(platform.baseUrl, alice, 'image', { prompt: 'a lighthouse at dusk', params: { width: 256, height: 256 } });
    expect((await waitForStatus(platform, job.id, ['failed', 'succeeded'])).status).toBe('failed');
    const { rows } = await platform.pool.query<{ finished_at: Date }>('SELECT finished_at FROM generation_jobs WHERE id = $1', [job.id]);
    const failedAt = rows[0]!.finished_at;
    type Listed = { items: { jobId: string; error: { code: string }; attempts: number; deadAt: string }[] };
    const deadLetterOf = async (id: string) => (JSON.parse(await cli('dlq', 'list', '--limit', '1000')) as Listed).items.find((item) => item.jobId === id);
    await waitFor('its dead letter', () => deadLetterOf(job.id));

    // Every key of the dead-letter queue goes, as with a Redis restarted without its data.
    const keys = await platform.redis.keys(`${platform.env.QUEUE_PREFIX}:${queues.deadLetter.name}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await platform.redis.del(...keys);

    const restored = await waitFor('the reconciler to restore it', () => deadLetterOf(job.id), 10_000);
    expect(restored).toMatchObject({ error: { code: 'provider_auth_failed' }, attempts: 1 });
    // The first entry was added after the row failed; the rebuilt one is dated when it failed.
    expect(new Date(restored.deadAt).getTime()).toBe(failedAt.getTime());
  });

  it('a poison job is retried with growing backoff, dead-lettered after its attempts, refunded once; `dlq retry` runs it again with a fresh reservation', async () => {
    const [viaCli, viaApi] = await Promise.all([submit(platform.baseUrl, alice, 'voice', speech), submit(platform.baseUrl, alice, 'voice', speech)]);
    for (const job of [viaCli, viaApi]) {
      const row = await waitForStatus(platform, job.id, ['failed', 'succeeded'], 30_000);
      expect(row).toMatchObject({ status: 'failed', error_code: 'provider_unavailable', attempts: 3 });
      const history = await historyOf(platform, job.id);
      expect(history.map((h) => h.outcome)).toEqual(['retrying', 'retrying', 'failed']);
      // Exponential backoff from 1 s with jitter 0.5: the waits are at least 0.5 s, then 1 s.
      const gaps = history.slice(1).map((h, i) => h.claimed_at.getTime() - history[i]!.ended_at!.getTime());
      expect(gaps[0]).toBeGreaterThanOrEqual(450);
      expect(gaps[1]).toBeGreaterThanOrEqual(950);
      expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'refund']);
    }

    const listed = JSON.parse(await cli('dlq', 'list')) as {
      total: number;
      items: { jobId: string; error: { code: string }; history: { workerId: string }[] }[];
    };
    expect(listed.items.map((i) => i.jobId)).toEqual(expect.arrayContaining([viaCli.id, viaApi.id]));
    expect(listed.items.find((i) => i.jobId === viaCli.id)).toMatchObject({ error: { code: 'provider_unavailable' } });
    expect(listed.items.find((i) => i.jobId === viaCli.id)!.history).toHaveLength(3);
    const forbidden = await fetch(`${platform.baseUrl}/api/admin/dlq`, { headers: alice.headers });
    expect(forbidden.status).toBe(403);
    const viaAdmin = await fetch(`${platform.baseUrl}/api/admin/dlq`, { headers: admin.headers });
    expect(viaAdmin.status).toBe(200);
    expect(((await viaAdmin.json()) as { items: { jobId: string }[] }).items.map((i) => i.jobId)).toContain(viaApi.id);

    // The provider is "fixed": a worker with the local speech engine takes over.
    poisonWorker.kill('SIGTERM');
    await platform.startWorker({ ATELIER_MODELS: fixedCatalog });
    expect(JSON.parse(await cli('dlq', 'retry', viaCli.id))).toMatchObject({ retried: viaCli.id, status: 'queued', reservationRound: 2 });
    const retried = await fetch(`${platform.baseUrl}/api/admin/dlq/${viaApi.id}/retry`, { method: 'POST', headers: admin.headers });
    expect(retried.status).toBe(200);
    const again = await fetch(`${platform.baseUrl}/api/admin/dlq/${viaApi.id}/retry`, { method: 'POST', headers: admin.headers });
    expect([200, 409]).toContain(again.status);

    for (const job of [viaCli, viaApi]) {
      const events = await readStream(platform.baseUrl + job.streamUrl, alice.headers, { timeoutMs: 30_000 });
      expect(events.at(-1)!.data.status).toBe('succeeded');
      const row = await jobRow(platform, job.id);
      expect(row).toMatchObject({ status: 'succeeded', reservation_round: 2, attempts: 4 });
      const moves = await creditMovesOf(platform, job.id);
      expect(moves.map((m) => m.idempotency_key)).toEqual([
        `job:${job.id}:reserve`,
        `job:${job.id}:refund`,
        `job:${job.id}:reserve:2`,
        `job:${job.id}:charge:2`,
      ]);
    }
    const after = JSON.parse(await cli('dlq', 'list')) as { items: { jobId: string }[] };
    expect(after.items.map((i) => i.jobId)).not.toContain(viaCli.id);
    expect(after.items.map((i) => i.jobId)).not.toContain(viaApi.id);
    const notFailed = await fetch(`${platform.baseUrl}/api/admin/dlq/${viaApi.id}/retry`, { method: 'POST', headers: admin.headers });
    expect(notFailed.status).toBe(409);
  }, 120_000);
});
