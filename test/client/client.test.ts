import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtelierApiError, AtelierClient, AtelierNetworkError, type JobStreamMessage } from '@atelier/client';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { TcpProxy } from '../support/tcpProxy.ts';
import { documentedFetch } from '../support/documentedAnswers.ts';
import { clientFor } from '../support/jobEvents.ts';

let platform: TestPlatform;
let alice: TestUser;
let client: AtelierClient;

beforeAll(async () => {
  platform = await TestPlatform.start({ IMAGE_ENGINE: 'local', SSE_RETRY_MS: '50' });
  await platform.startWorker();
  alice = await platform.createUser({ credits: 1_000 });
  client = clientFor(platform, alice);
});
afterAll(async () => platform?.stop());

const image = (prompt: string, steps = 4) => ({ prompt, params: { width: 128, height: 128, steps, seed: 9 } });

describe('the typed client', () => {
  it('submits, lists, gets, and waits for a job to its end', async () => {
    const { job } = await client.submit('image', image('a teapot'));
    expect(job.status).toBe('queued');
    expect((await client.list({ limit: 5 })).items.map((item) => item.id)).toContain(job.id);
    const done = await client.waitFor(job.id);
    expect(done).toMatchObject({ id: job.id, status: 'succeeded', progress: 100 });
    expect(await client.get(job.id)).toEqual(done);
  });

  it('cancels a job, and answers the API refusals as typed errors with their code', async () => {
    const { job } = await client.submit('image', image('to be canceled', 40));
    const canceled = await client.cancel(job.id);
    expect(canceled.status).toBe('canceled');
    await expect(client.cancel(job.id)).rejects.toMatchObject({ name: 'AtelierApiError', status: 409, code: 'job_not_cancelable' });
    await expect(client.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404, code: 'job_not_found' });
    const invalid = await client.submit('image', { prompt: '' }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(AtelierApiError);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed' });
    const stranger = new AtelierClient({ baseUrl: platform.baseUrl, apiKey: 'atl_nobody', fetch: documentedFetch });
    await expect(stranger.list()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('waits in one request with Prefer: wait', async () => {
    const { job } = await client.submit('image', image('a quick one', 2), { waitSeconds: 30 });
    expect(job.status).toBe('succeeded');
  });

  it('streams typed events that end at the terminal status', async () => {
    const { job } = await client.submit('image', image('a lantern'));
    const messages: JobStreamMessage[] = [];
    for await (const message of client.stream(job.id)) messages.push(message);
    expect(messages[0]!.event.type).toBe('snapshot');
    expect(messages.at(-1)!.event).toEqual({ type: 'status', status: 'succeeded' });
    expect(messages.slice(1).every((message) => /^\d+-\d+$/.test(message.id))).toBe(true);
  });

  it('reconnects with Last-Event-ID across dropped connections: nothing missed, nothing twice', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(platform.baseUrl).port));
    try {
      const viaProxy = new AtelierClient({ baseUrl: proxy.urlFor(platform.baseUrl), apiKey: alice.apiKey, fetch: documentedFetch });
      const { job } = await client.submit('image', { prompt: 'a long walk', params: { width: 512, height: 512, steps: 24, seed: 4 } });
      const seen: JobStreamMessage[] = [];
      let drops = 0;
      for await (const message of viaProxy.stream(job.id)) {
        seen.push(message);
        // Twice: the connection is reset mid-job, and the proxy stays shut for a moment.
        if (message.event.type === 'progress' && drops < 2) {
          drops++;
          proxy.cut();
          setTimeout(() => proxy.restore(), 150);
        }
      }
      expect(drops).toBe(2);
      const ids = seen.filter((message) => message.id).map((message) => message.id);
      expect(new Set(ids).size).toBe(ids.length);
      const everything: string[] = [];
      for await (const message of client.stream(job.id)) if (message.id) everything.push(message.id);
      expect(ids).toEqual(everything);
      expect(seen.at(-1)!.event).toEqual({ type: 'status', status: 'succeeded' });
    } finally {
      await proxy.close();
    }
  });

  it('gives up with a network error when the API stays unreachable', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(platform.baseUrl).port));
    proxy.cut();
    try {
      const unreachable = new AtelierClient({ baseUrl: proxy.urlFor(platform.baseUrl), apiKey: alice.apiKey });
      const stream = unreachable.stream('00000000-0000-4000-8000-000000000000', { maxReconnects: 1 });
      await expect(stream.next()).rejects.toBeInstanceOf(AtelierNetworkError);
      await expect(unreachable.list()).rejects.toBeInstanceOf(AtelierNetworkError);
    } finally {
      await proxy.close();
    }
  });
});
