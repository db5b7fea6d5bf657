import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelView } from '@atelier/contracts';
import { getJson, postJson } from '../support/api.ts';
import { catalogFile } from '../support/catalogFiles.ts';
import { documentedFetch } from '../support/documentedAnswers.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { readStream } from '../support/sseClient.ts';
import { historyOf, waitForStatus } from '../reliability/support/jobs.ts';

const GPT_IMAGE = 'openai/gpt-image-1';
const INSTANT = 'test/instant';

let platform: TestPlatform;
let alice: TestUser;
let admin: TestUser;
beforeAll(async () => {
  const models = catalogFile([
    {
      id: GPT_IMAGE,
      kind: 'image',
      engine: 'openai',
      name: 'GPT Image',
      description: 'OpenAI’s image model.',
      providerModel: 'gpt-image-1',
      params: { steps: { max: 4, default: 1 } },
      price: { base: 3, perMegapixel: 10 },
    },
    { id: INSTANT, kind: 'image', engine: 'instant', name: 'Instant', description: 'One colour at once.' },
  ]);
  platform = await TestPlatform.start({ ATELIER_MODELS: models, ADMIN_EMAILS: 'ops@example.com', QUEUE_POSITION_INTERVAL_MS: '200' });
  alice = await platform.createUser({ credits: 1_000 });
  admin = await platform.createUser({ email: 'ops@example.com', credits: 0 });
});
afterAll(() => platform?.stop());

const listModels = async () => ((await (await documentedFetch(`${platform.baseUrl}/api/models`)).json()) as { items: ModelView[] }).items;

describe('GET /api/models', () => {
  it('lists the built-in and configured models without sign-in, one default per kind, each with its params schema and price', async () => {
    const items = await listModels();
    expect(items.map((m) => m.id)).toEqual([
      'atelier/landscape-sketch',
      'atelier/landscape-pan',
      'atelier/image-pan',
      'atelier/espeak-voice',
      'atelier/esrgan-x2',
      'atelier/esrgan-x4',
      GPT_IMAGE,
      INSTANT,
    ]);
    for (const kind of ['image', 'video', 'voice']) expect(items.filter((m) => m.kind === kind && m.default)).toHaveLength(1);
    const sketch = items.find((m) => m.id === 'atelier/landscape-sketch')!;
    expect(sketch).toMatchObject({ kind: 'image', default: true, engine: 'local-painter', price: { base: 1, per: 'megapixel', perUnit: 4 }, inputs: [] });
    expect(sketch.description).toContain('no AI model');
    const upscaler = items.find((m) => m.id === 'atelier/esrgan-x4')!;
    expect(upscaler).toMatchObject({ kind: 'image', default: false, engine: 'esrgan', price: { base: 1, per: 'megapixel', perUnit: 3 } });
    expect(upscaler.inputs).toEqual([{ name: 'image', kind: 'image', required: true }]);
    expect(upscaler.description).toContain('neural network');
    expect(upscaler.params.properties).toEqual({});
    const gpt = items.find((m) => m.id === GPT_IMAGE)!;
    expect(gpt.price).toEqual({ base: 3, per: 'megapixel', perUnit: 10 });
    expect((gpt.params.properties as Record<string, unknown>).steps).toMatchObject({ type: 'integer', minimum: 1, maximum: 4, default: 1 });
    expect(gpt.params.additionalProperties).toBe(false);
  });

  it('gives one model by the rest of the path (or an encoded slash), and 404 model_not_found for an unknown or hidden one', async () => {
    const plain = await documentedFetch(`${platform.baseUrl}/api/models/${GPT_IMAGE}`);
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as ModelView).id).toBe(GPT_IMAGE);
    const encoded = await documentedFetch(`${platform.baseUrl}/api/models/openai%2Fgpt-image-1`);
    expect(((await encoded.json()) as ModelView).id).toBe(GPT_IMAGE);
    for (const id of ['nobody/nothing', 'atelier/instant-test-image']) {
      const missing = await documentedFetch(`${platform.baseUrl}/api/models/${id}`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    }
  });
});

describe('submitting to a model', () => {
  const refusal = async (kind: string, body: unknown) => {
    const { status, body: answer } = await postJson<{ error: { code: string; message: string } }>(platform, alice, `/api/generate/${kind}`, body);
    return { status, ...answer.error };
  };

  it('refuses an unknown or hidden model, a model of another kind, and params outside that model’s own schema, naming the field', async () => {
    expect(await refusal('image', { prompt: 'a fox', model: 'nobody/nothing' })).toMatchObject({ status: 400, code: 'unknown_model' });
    expect(await refusal('image', { prompt: 'a fox', model: 'atelier/instant-test-image' })).toMatchObject({ status: 400, code: 'unknown_model' });
    expect(await refusal('image', { prompt: 'a fox', model: 'atelier/landscape-pan' })).toMatchObject({
      status: 400,
      code: 'model_kind_mismatch',
      message: expect.stringContaining('/api/generate/video'),
    });
    // 10 steps suit the landscape sketch (up to 50), not this model (up to 4).
    expect(await refusal('image', { prompt: 'a fox', model: GPT_IMAGE, params: { steps: 10 } })).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: expect.stringMatching(/^steps: /),
    });
    expect((await postJson(platform, alice, '/api/generate/image', { prompt: 'a fox', params: { steps: 10 } })).status).toBe(202);
  });

  it('charges the model’s price; a job no live worker serves waits, says what for, and the admin API lists it', async () => {
    const before = (await getJson<{ balance: number }>(platform, alice, '/api/credits')).body.balance;
    const { status, body } = await postJson<{ job: { id: string; model: string; cost: number; params: Record<string, unknown> }; streamUrl: string }>(
      platform,
      alice,
      '/api/generate/image',
      { prompt: 'a red fox in a snowy forest', model: GPT_IMAGE, params: { width: 1024, height: 1024 } },
    );
    expect(status).toBe(202);
    // 3 + ⌈1.048576 MP × 10⌉ = 14, where the built-in price would give 1 + ⌈1.048576 × 4⌉ = 6.
    expect(body.job).toMatchObject({ model: GPT_IMAGE, cost: 14, params: { steps: 1 } });
    expect((await getJson<{ balance: number }>(platform, alice, '/api/credits')).body.balance).toBe(before - 14);

    const events = await readStream(platform.baseUrl + body.streamUrl, alice.headers, { until: (event) => event.type === 'queue', timeoutMs: 10_000 });
    expect(events.at(-1)!.data).toMatchObject({ type: 'queue', position: 1, waitingFor: `a worker that serves ${GPT_IMAGE}` });
    const unserved = await getJson<{ items: { jobId: string; model: string; waitingFor: string }[] }>(platform, admin, '/api/admin/queue/unserved');
    expect(unserved.body.items).toContainEqual(expect.objectContaining({ jobId: body.job.id, model: GPT_IMAGE }));
    expect((await getJson<{ job: unknown }>(platform, alice, `/api/jobs/${body.job.id}`)).body.job).toMatchObject({ status: 'queued', model: GPT_IMAGE });
  });
});

describe('workers and availability', () => {
  it('a worker announces the models it serves: the catalog says they are available, its jobs name the model and the worker', async () => {
    expect((await listModels()).every((m) => !m.available)).toBe(true);
    await platform.startWorker({ WORKER_MODELS: INSTANT, WORKER_CONCURRENCY: '3' });
    const available = (await listModels()).filter((m) => m.available).map((m) => m.id);
    expect(available).toEqual([INSTANT]);
    const workers = await getJson<{ items: { id: string; models: string[]; concurrency: number; busy: number; engines: unknown[] }[] }>(
      platform,
      admin,
      '/api/admin/workers',
    );
    expect(workers.body.items).toHaveLength(1);
    const worker = workers.body.items[0]!;
    expect(worker).toMatchObject({ models: [INSTANT], concurrency: 3, busy: 0, engines: [{ model: INSTANT, engine: 'instant', gpu: null }] });

    const { body } = await postJson<{ job: { id: string } }>(platform, alice, '/api/generate/image', { prompt: 'a kite', model: INSTANT });
    await waitForStatus(platform, body.job.id, ['succeeded']);
    expect((await getJson<{ job: unknown }>(platform, alice, `/api/jobs/${body.job.id}`)).body.job).toMatchObject({ model: INSTANT, workerId: worker.id });
    const gallery = await getJson<{ items: { jobId: string; model: string }[] }>(platform, alice, '/api/assets');
    expect(gallery.body.items.find((asset) => asset.jobId === body.job.id)?.model).toBe(INSTANT);
    const history = await platform.pool.query('SELECT worker_id, gpu FROM job_history WHERE job_id = $1', [body.job.id]);
    expect(history.rows).toEqual([{ worker_id: worker.id, gpu: null }]);
    expect(await historyOf(platform, body.job.id)).toHaveLength(1);
  });
});
