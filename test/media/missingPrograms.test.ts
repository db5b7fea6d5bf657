import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { creditMovesOf, quickImage, submit, waitForStatus } from '../reliability/support/jobs.ts';

/* A worker on a machine without ffmpeg or espeak-ng: it says so at start and refuses those jobs at once. */
let platform: TestPlatform;
let user: TestUser;
let emptyPath: string;

beforeAll(async () => {
  emptyPath = await mkdtemp(join(tmpdir(), 'atelier-no-tools-'));
  platform = await TestPlatform.start();
  user = await platform.createUser({ plan: 'pro', credits: 1_000 });
});
afterAll(async () => {
  await platform?.stop();
  await rm(emptyPath, { recursive: true, force: true });
});

describe('a worker missing the programs its engines run', () => {
  it('names what to install at start, serves none of the models it cannot run (their jobs wait for a worker that can), and still makes images', async () => {
    const voiceModel = platform.defaultModel('voice');
    const worker = await platform.startWorker({ PATH: emptyPath });
    const startOutput = platform.outputOf(worker);
    expect(startOutput).toContain(`cannot run ${voiceModel}`);
    expect(startOutput).toContain('sudo apt-get install -y espeak-ng ffmpeg');

    const image = await submit(platform.baseUrl, user, 'image', quickImage);
    expect((await waitForStatus(platform, image.id, ['succeeded', 'failed'])).status).toBe('succeeded');
    const voice = await submit(platform.baseUrl, user, 'voice', { prompt: 'hello there' });
    const models = (await (await fetch(`${platform.baseUrl}/api/models`)).json()) as { items: { id: string; available: boolean }[] };
    expect(models.items.find((model) => model.id === voiceModel)?.available).toBe(false);
    expect(models.items.find((model) => model.id === platform.defaultModel('image'))?.available).toBe(true);
    // Never taken, so never failed or charged: it waits, queued and reserved.
    const { rows } = await platform.pool.query('SELECT status, attempts FROM generation_jobs WHERE id = $1', [voice.id]);
    expect(rows[0]).toEqual({ status: 'queued', attempts: 0 });
    expect((await creditMovesOf(platform, voice.id)).map((move) => move.kind)).toEqual(['reserve']);
  });
});
