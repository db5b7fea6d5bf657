import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comfyUiServer } from '../../packages/engines/test/support/comfyUiServer.ts';
import { catalogFile } from '../support/catalogFiles.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { readStream } from '../support/sseClient.ts';
import { creditMovesOf, waitForStatus } from '../reliability/support/jobs.ts';

const MODEL = 'comfyui/sdxl-turbo';
const GPU = 'cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync';
// The example shipped in docs/, as an operator would copy it.
const workflow = readFileSync(new URL('../../docs/comfyui/workflows/sdxl-turbo.json', import.meta.url), 'utf8');
const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;

const entry = (baseUrl: string, bindings: Record<string, string> = {}) => ({
  id: MODEL,
  kind: 'image',
  engine: 'comfyui',
  name: 'SDXL Turbo (loopback)',
  description: 'The loopback ComfyUI of the tests.',
  baseUrl,
  workflow: 'sdxl-turbo.json',
  bindings: { prompt: '6.inputs.text', seed: '3.inputs.seed', steps: '3.inputs.steps', width: '5.inputs.width', height: '5.inputs.height', ...bindings },
  output: '9',
  params: { steps: { min: 1, max: 8, default: 8 }, width: { max: 1024 }, height: { max: 1024 } },
  price: { base: 1, perMegapixel: 4 },
});

let comfyUi: Awaited<ReturnType<typeof comfyUiServer>>;
let platform: TestPlatform;
let alice: TestUser;
let admin: TestUser;

beforeAll(async () => {
  comfyUi = await comfyUiServer({ msPerPrompt: 2_400 });
  platform = await TestPlatform.start({ ATELIER_MODELS: catalogFile([entry(comfyUi.url)], { 'sdxl-turbo.json': workflow }), ADMIN_EMAILS: 'ops@example.com' });
  [alice, admin] = await Promise.all([platform.createUser({ credits: 100 }), platform.createUser({ email: 'ops@example.com', credits: 0 })]);
});
afterAll(async () => {
  await platform?.stop();
  await comfyUi?.close();
});

async function submit(user: TestUser) {
  const response = await fetch(`${platform.baseUrl}/api/generate/image`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a red fox in a snowy forest', model: MODEL, params: { width: 256, height: 256, seed: 7 } }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { job: { id: string; cost: number }; streamUrl: string }).job;
}

const finished = (event: { type: string; data: Record<string, unknown> }) =>
  event.type === 'status' && ['succeeded', 'failed', 'canceled'].includes(event.data.status as string);

describe('a ComfyUI model of the catalog, end to end', () => {
  it('runs on a worker that serves it: previews with URLs before the output, charged once, its attempt naming the worker and the GPU', async () => {
    const worker = await platform.startWorker({ WORKER_MODELS: MODEL });
    const workerId = /"worker_id":"([^"]+)"/.exec(platform.outputOf(worker))![1]!;
    const workers = await fetch(`${platform.baseUrl}/api/admin/workers`, { headers: admin.headers });
    const announced = ((await workers.json()) as { items: { id: string; engines: unknown[] }[] }).items;
    expect(announced).toEqual([
      expect.objectContaining({ id: workerId, engines: [{ model: MODEL, engine: MODEL, gpu: { name: GPU, vramBytes: 25_393_692_672 } }] }),
    ]);

    const job = await submit(alice);
    const events = await readStream(`${platform.baseUrl}/api/generate/${job.id}/stream`, alice.headers, { until: finished, timeoutMs: 30_000 });
    const output = events.findIndex((event) => event.type === 'output');
    expect(output).toBeGreaterThan(0);
    const previews = events.slice(0, output).filter((event) => event.type === 'preview' && typeof event.data.url === 'string');
    expect(previews.length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)!.data.status).toBe('succeeded');
    // Each preview's URL serves the small JPEG of that step.
    const preview = await fetch(platform.baseUrl + (previews[0]!.data.url as string), { headers: alice.headers });
    expect(preview.headers.get('content-type')).toBe('image/jpeg');

    // 1 + ⌈0.065536 MP × 4⌉ = 2.
    expect(job.cost).toBe(2);
    expect((await creditMovesOf(platform, job.id)).map((move) => move.kind)).toEqual(['reserve', 'charge']);
    const { rows } = await platform.pool.query('SELECT attempt, worker_id, gpu, outcome FROM job_history WHERE job_id = $1', [job.id]);
    expect(rows).toEqual([{ attempt: 1, worker_id: workerId, gpu: GPU, outcome: 'succeeded' }]);
  });

  it('a ComfyUI that answers 500: the job is retried, then failed and refunded', async () => {
    comfyUi.behave({ msPerPrompt: 300, failing: true });
    try {
      const job = await submit(alice);
      const row = await waitForStatus(platform, job.id, ['failed', 'succeeded'], 30_000);
      expect([row.status, row.error_code, row.attempts]).toEqual(['failed', 'provider_unavailable', 3]);
      expect((await creditMovesOf(platform, job.id)).map((move) => [move.kind, move.amount])).toEqual([
        ['reserve', -job.cost],
        ['refund', job.cost],
      ]);
    } finally {
      comfyUi.behave({ msPerPrompt: 2_400 });
    }
  });

  it('a workflow binding that points at no input of its node stops the worker at start-up, the binding named', async () => {
    const models = catalogFile([entry(comfyUi.url, { seed: '3.inputs.sneed' })], { 'sdxl-turbo.json': workflow });
    const child = spawn(process.execPath, [atelierBin, 'worker'], {
      env: { ...platform.env, ATELIER_MODELS: models, WORKER_MODELS: MODEL },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toContain(`${MODEL}: bindings.seed: "3.inputs.sneed" names input "sneed", which node 3 (KSampler) does not take`);
  });
});
