import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { builtInCatalog, costOf, parseGenerateBody } from '@atelier/contracts';
import { apiConfigSchema, buildApp, createApiServices } from '@atelier/api';
import { parseConfig } from '@atelier/config';
import { freePort, TestPlatform, type TestUser } from '../support/platform.ts';
import { readStream } from '../support/sseClient.ts';
import { samplesOf, scrape, sampleValue } from './support/prometheusText.ts';

let platform: TestPlatform;
let alice: TestUser;
let workerMetricsUrl: string;
/** Every metric name the two endpoints served in the first test, histogram suffixes removed. */
const served = new Set<string>();

beforeAll(async () => {
  platform = await TestPlatform.start();
  const port = await freePort();
  await platform.startWorker({ WORKER_METRICS_PORT: String(port), WORKER_METRICS_HOST: '127.0.0.1' });
  workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
  alice = await platform.createUser({ credits: 1_000 });
});
afterAll(async () => platform?.stop());

const body = { prompt: 'a harbour crane at night', params: { width: 128, height: 128, steps: 4, seed: 3 } };

describe('metrics after a job runs', () => {
  it('the API and the worker expose the named metrics', async () => {
    // The first scrape marks where the credit ledger ends; movements after it are counted.
    await scrape(`${platform.baseUrl}/metrics`);

    const submitted = await fetch(`${platform.baseUrl}/api/generate/image`, {
      method: 'POST',
      headers: { ...alice.headers, 'content-type': 'application/json', 'x-request-id': 'ops-metrics-1' },
      body: JSON.stringify(body),
    });
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('x-request-id')).toBe('ops-metrics-1');
    const { job, streamUrl } = (await submitted.json()) as { job: { id: string }; streamUrl: string };
    const events = await readStream(platform.baseUrl + streamUrl, alice.headers);
    expect(events.at(-1)!.data.status).toBe('succeeded');

    // The stream's last event comes just before BullMQ records the job as completed.
    let api = await scrape(`${platform.baseUrl}/metrics`);
    await expect
      .poll(async () => sampleValue((api = await scrape(`${platform.baseUrl}/metrics`)), 'atelier_queue_jobs', { state: 'completed' }), { timeout: 5_000 })
      .toBe(1);
    // Latency by route pattern, never by raw URL (which would hold the job id).
    expect(sampleValue(api, 'atelier_http_request_duration_seconds_count', { method: 'POST', route: '/api/generate/:kind', status_code: '202' })).toBe(1);
    expect(samplesOf(api, 'atelier_http_request_duration_seconds_count').some((s) => s.labels.route!.includes(job.id))).toBe(false);
    // The event stream is not a latency: it is left out.
    expect(samplesOf(api, 'atelier_http_request_duration_seconds_count', { route: '/api/generate/:id/stream' })).toHaveLength(0);
    expect(sampleValue(api, 'atelier_sse_connections')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(api, 'atelier_jobs_unfinished', { status: 'queued' })).toBe(0);
    expect(sampleValue(api, 'atelier_jobs_unfinished', { status: 'running' })).toBe(0);
    expect(sampleValue(api, 'atelier_queue_jobs', { state: 'active' })).toBe(0);
    expect(sampleValue(api, 'atelier_queue_waiting_jobs', { priority: '10', plan: 'free' })).toBe(0);
    expect(sampleValue(api, 'atelier_queue_waiting_jobs', { priority: '1', plan: 'pro' })).toBe(0);
    expect(sampleValue(api, 'atelier_queue_waiting_jobs', { priority: '0', plan: 'promoted' })).toBe(0);
    expect(sampleValue(api, 'atelier_queue_paused')).toBe(0);
    const { prompt, params } = parseGenerateBody(builtInCatalog().defaultOf('image'), body);
    expect(sampleValue(api, 'atelier_credits_moved_total', { kind: 'reserve' })).toBe(costOf('image', prompt, params));
    expect(sampleValue(api, 'atelier_credit_transactions_total', { kind: 'reserve' })).toBe(1);
    expect(sampleValue(api, 'atelier_credit_transactions_total', { kind: 'charge' })).toBe(1);
    expect(sampleValue(api, 'atelier_credits_moved_total', { kind: 'refund' })).toBe(0);
    expect(
      samplesOf(api, 'atelier_metrics_collect_failures_total')
        .map((s) => [s.labels.source, s.value])
        .sort(),
    ).toEqual([
      ['postgres', 0],
      ['postgres-ledger', 0],
      ['redis', 0],
    ]);
    expect(samplesOf(api, 'process_resident_memory_bytes')).toHaveLength(1);

    const labels = { kind: 'image', plan: 'free' };
    let worker = await scrape(workerMetricsUrl);
    const runs = async () => samplesOf((worker = await scrape(workerMetricsUrl)), 'atelier_job_run_seconds_count', { ...labels, outcome: 'completed' });
    await expect.poll(async () => (await runs()).map((sample) => sample.value), { timeout: 5_000 }).toEqual([1]);
    expect(sampleValue(worker, 'atelier_job_wait_seconds_count', labels)).toBe(1);
    expect(sampleValue(worker, 'atelier_job_run_seconds_sum', { ...labels, outcome: 'completed' })).toBeGreaterThan(0);
    expect(sampleValue(worker, 'atelier_job_first_preview_seconds_count', labels)).toBe(1);
    // The first preview came before the job finished: within submit-to-end.
    const waited = sampleValue(worker, 'atelier_job_wait_seconds_sum', labels);
    const ran = sampleValue(worker, 'atelier_job_run_seconds_sum', { ...labels, outcome: 'completed' });
    expect(sampleValue(worker, 'atelier_job_first_preview_seconds_sum', labels)).toBeLessThanOrEqual(waited + ran + 0.05);
    expect(sampleValue(worker, 'atelier_worker_concurrency')).toBe(2);
    expect(sampleValue(worker, 'atelier_worker_active_jobs')).toBe(0);
    expect(sampleValue(worker, 'atelier_worker_busy_ratio')).toBe(0);
    const busy = sampleValue(worker, 'atelier_worker_busy_seconds_total');
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThan(sampleValue(worker, 'atelier_worker_slot_seconds_total'));
    expect(samplesOf(worker, 'process_resident_memory_bytes')).toHaveLength(1);

    expect((await fetch(workerMetricsUrl.replace('/metrics', '/other'))).status).toBe(404);
    for (const sample of [...api, ...worker]) served.add(sample.name.replace(/_(bucket|sum|count)$/, ''));
  });

  it('the dashboard, the alerts and the autoscalers name only metrics that exist', async () => {
    expect(served.size).toBeGreaterThan(0);
    const files = [
      'ops/grafana/dashboards/atelier.json',
      'ops/prometheus/alerts.yml',
      'ops/k8s/autoscaling/keda/scaledobject.yaml',
      'ops/k8s/autoscaling/hpa/prometheus-adapter-rules.yaml',
    ];
    for (const file of files) {
      const text = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
      const named = new Set(
        [...text.matchAll(/\b(atelier_[a-z_]+|process_[a-z_]+|nodejs_[a-z0-9_]+)\b/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, '')),
      );
      // atelier_queue_backlog is the adapter's name for the query it serves, not a scraped metric.
      named.delete('atelier_queue_backlog');
      expect(
        [...named].filter((name) => !served.has(name)),
        file,
      ).toEqual([]);
    }
  });

  it('counts a pending event stream as an open SSE connection', async () => {
    const submitted = await fetch(`${platform.baseUrl}/api/generate/image`, {
      method: 'POST',
      headers: { ...alice.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, params: { ...body.params, width: 512, height: 512, steps: 20 } }),
    });
    const { streamUrl } = (await submitted.json()) as { streamUrl: string };
    // The server notices the earlier test's closed streams a moment after the client closes them.
    const sseOpen = async () => sampleValue(await scrape(`${platform.baseUrl}/metrics`), 'atelier_sse_connections');
    await expect.poll(sseOpen, { timeout: 5_000 }).toBe(0);
    const controller = new AbortController();
    const response = await fetch(platform.baseUrl + streamUrl, { headers: alice.headers, signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const open = await sseOpen();
    controller.abort();
    expect(open).toBe(1);
  });
});

/** An API app whose log lines land in `lines`. */
async function appLoggingAt(level: string, lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const services = createApiServices(parseConfig(apiConfigSchema, platform.env), pino({ level }, sink));
  return { services, app: await buildApp(services) };
}

describe('logs', () => {
  it('requests log at debug: at info, the default, a request and a 404 write no line', async () => {
    const lines: Record<string, unknown>[] = [];
    const { services, app } = await appLoggingAt('info', lines);
    try {
      expect((await app.inject({ method: 'GET', url: '/api/me', headers: alice.headers })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/no-such-route' })).statusCode).toBe(404);
      expect(lines.filter((line) => typeof line.request_id === 'string')).toEqual([]);
    } finally {
      await app.close();
      await services.close();
    }
  });

  it('an authenticated request logs its user_id and the request id it came with', async () => {
    const lines: Record<string, unknown>[] = [];
    const { services, app } = await appLoggingAt('debug', lines);
    try {
      const response = await app.inject({ method: 'GET', url: '/api/me', headers: { ...alice.headers, 'x-request-id': 'ops-log-1' } });
      expect(response.statusCode).toBe(200);
      const completed = lines.find((line) => line.msg === 'request completed' && line.request_id === 'ops-log-1');
      expect(completed).toMatchObject({ user_id: alice.user.id, request_id: 'ops-log-1' });
      const anonymous = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'ops-log-2' } });
      expect(anonymous.statusCode).toBe(200);
      const publicLine = lines.find((line) => line.msg === 'request completed' && line.request_id === 'ops-log-2');
      expect(publicLine).toBeDefined();
      expect(publicLine).not.toHaveProperty('user_id');
    } finally {
      await app.close();
      await services.close();
    }
  });
});
