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
  it('names what to install at start, refuses voice jobs with the reason and a refund, and still makes images', async () => {
    const worker = await platform.startWorker({ PATH: emptyPath });
    const startOutput = platform.outputOf(worker);
    expect(startOutput).toContain('cannot run voice jobs');
    expect(startOutput).toContain('sudo apt-get install -y espeak-ng ffmpeg');

    const voice = await submit(platform.baseUrl, user, 'voice', { prompt: 'hello there' });
    const refused = await waitForStatus(platform, voice.id, ['succeeded', 'failed']);
    expect(refused).toMatchObject({ status: 'failed', error_code: 'engine_unavailable', attempts: 1 });
    const moves = await creditMovesOf(platform, voice.id);
    expect(moves.map((move) => move.kind).sort()).toEqual(['refund', 'reserve']);

    const image = await submit(platform.baseUrl, user, 'image', quickImage);
    expect((await waitForStatus(platform, image.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  });
});
