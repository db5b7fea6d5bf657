import { describe, expect, it } from 'vitest';
import type { JobView } from '@atelier/contracts';
import { announcement, initialStreamState, streamReducer } from '../../apps/web/src/jobs/streamReducer.ts';
import type { JobStreamState, StreamAction } from '../../apps/web/src/jobs/streamReducer.ts';
import type { StreamEvent } from '../../apps/web/src/jobs/streamEvents.ts';

const job = (overrides: Partial<JobView> = {}): JobView => ({
  id: '7f0c1d7e-3c1b-4a55-9d41-2c6f0e1b9a10',
  kind: 'image',
  model: 'atelier/landscape-sketch',
  prompt: 'a lighthouse at dusk',
  params: { width: 640, height: 480, steps: 12, seed: 1 },
  status: 'queued',
  priority: 10,
  progress: 0,
  cost: 3,
  attempts: 0,
  workerId: null,
  blurhash: null,
  error: null,
  outputUrl: null,
  previewUrl: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  ...overrides,
});

const message = (event: StreamEvent, id = ''): StreamAction => ({ type: 'message', event, id });
const run = (state: JobStreamState, ...actions: StreamAction[]) => actions.reduce(streamReducer, state);

describe('streamReducer', () => {
  it('starts from the job row', () => {
    const state = initialStreamState(job({ status: 'running', progress: 30, blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj' }));
    expect(state).toMatchObject({ status: 'running', percent: 30, lastEventId: null, connection: 'idle' });
    expect(state.preview).toEqual({ blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj', width: 640, height: 480 });
  });

  it('applies status, queue, progress, preview and output in order', () => {
    const state = run(
      initialStreamState(job()),
      message({ type: 'queue', position: 3, etaSeconds: 12 }, '1-0'),
      message({ type: 'status', status: 'running' }, '2-0'),
      message({ type: 'progress', percent: 40 }, '3-0'),
      message({ type: 'preview', blurhash: 'LKO2?U%2Tw=w]~RBVZRi};RPxuwH', width: 640, height: 480 }, '4-0'),
      message({ type: 'output', url: '/o/1.png', contentType: 'image/png', bytes: 1000, width: 640, height: 480 }, '5-0'),
      message({ type: 'status', status: 'succeeded' }, '6-0'),
    );
    expect(state.status).toBe('succeeded');
    expect(state.percent).toBe(100);
    expect(state.queue).toBeNull();
    expect(state.preview?.blurhash).toBe('LKO2?U%2Tw=w]~RBVZRi};RPxuwH');
    expect(state.output).toEqual({ url: '/o/1.png', contentType: 'image/png', bytes: 1000, width: 640, height: 480 });
    expect(state.lastEventId).toBe('6-0');
  });

  it('keeps the queue position only while queued', () => {
    const queued = run(initialStreamState(job()), message({ type: 'queue', position: 2, etaSeconds: 5 }, '1-0'));
    expect(queued.queue).toEqual({ position: 2, etaSeconds: 5 });
    const running = run(queued, message({ type: 'status', status: 'running' }, '2-0'), message({ type: 'queue', position: 1, etaSeconds: 1 }, '3-0'));
    expect(running.queue).toBeNull();
  });

  it('never lets percent go backwards', () => {
    const state = run(
      initialStreamState(job({ status: 'running' })),
      message({ type: 'progress', percent: 60 }, '1-0'),
      message({ type: 'progress', percent: 20 }, '2-0'),
      message({ type: 'snapshot', job: job({ status: 'running', progress: 10 }) }),
    );
    expect(state.percent).toBe(60);
    expect(run(state, message({ type: 'progress', percent: 61 }, '3-0')).percent).toBe(61);
  });

  it('drops a replayed event (same or older id) after a reconnect', () => {
    const once = run(
      initialStreamState(job({ status: 'running' })),
      message({ type: 'error', code: 'engine_failed', message: 'first', retrying: true }, '1700000000000-0'),
    );
    const replayed = run(
      once,
      message({ type: 'status', status: 'queued' }, '1700000000000-0'),
      message({ type: 'status', status: 'queued' }, '1699999999999-5'),
    );
    expect(replayed).toBe(once);
  });

  it('orders ids by time, then by sequence, as numbers', () => {
    const state = run(
      initialStreamState(job({ status: 'running' })),
      message({ type: 'progress', percent: 10 }, '1700000000000-9'),
      message({ type: 'progress', percent: 20 }, '1700000000000-10'),
      message({ type: 'progress', percent: 30 }, '999-0'),
    );
    expect(state.percent).toBe(20);
    expect(state.lastEventId).toBe('1700000000000-10');
  });

  it('applies snapshots and resets, which carry no id of their own', () => {
    const state = run(
      initialStreamState(job()),
      message({ type: 'progress', percent: 5 }, '5-0'),
      message({ type: 'reset', reason: 'history trimmed' }, '5-0'),
      message({ type: 'snapshot', job: job({ status: 'running', progress: 50, blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj' }) }, '5-0'),
      message({ type: 'progress', percent: 70 }, '9-0'),
    );
    expect(state).toMatchObject({ status: 'running', percent: 70, lastEventId: '9-0' });
    expect(state.preview?.blurhash).toBe('LEHV6nWB2yk8pyo0adR*.7kCMdnj');
  });

  it('keeps a terminal status final', () => {
    const state = run(
      initialStreamState(job({ status: 'running' })),
      message({ type: 'status', status: 'canceled' }, '1-0'),
      message({ type: 'status', status: 'running' }, '2-0'),
      message({ type: 'snapshot', job: job({ status: 'running' }) }),
    );
    expect(state.status).toBe('canceled');
  });

  it('shows a retry, then a final failure with its message', () => {
    const retrying = run(
      initialStreamState(job({ status: 'running' })),
      message({ type: 'error', code: 'provider_unavailable', message: 'The provider is unavailable.', retrying: true }, '1-0'),
      message({ type: 'status', status: 'queued' }, '2-0'),
    );
    expect(retrying.error).toEqual({ code: 'provider_unavailable', message: 'The provider is unavailable.', retrying: true });
    const back = run(retrying, message({ type: 'status', status: 'running' }, '3-0'));
    expect(back.error).toBeNull();
    const failed = run(
      back,
      message({ type: 'error', code: 'engine_failed', message: 'The generation engine failed.' }, '4-0'),
      message({ type: 'status', status: 'failed' }, '5-0'),
    );
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'engine_failed', message: 'The generation engine failed.', retrying: false });
    expect(announcement(failed)).toBe('Failed. The generation engine failed. Credits refunded.');
  });

  it('takes a failed job row with its error', () => {
    const state = initialStreamState(job({ status: 'failed', error: { code: 'timeout', message: 'The job ran past its time limit.' } }));
    expect(state.error).toEqual({ code: 'timeout', message: 'The job ran past its time limit.', retrying: false });
  });

  it('takes a video first frame and output from the job row', () => {
    const state = initialStreamState(
      job({ kind: 'video', status: 'succeeded', params: { width: 320, height: 240 }, previewUrl: '/f/0.jpg', outputUrl: '/o/v.mp4' }),
    );
    expect(state.preview).toEqual({ blurhash: null, width: 320, height: 240, firstFrameUrl: '/f/0.jpg' });
    expect(state.output).toEqual({ url: '/o/v.mp4', contentType: '' });
    expect(state.percent).toBe(100);
  });

  it('ignores a snapshot of another job and unchanged connection states', () => {
    const state = initialStreamState(job());
    expect(streamReducer(state, message({ type: 'snapshot', job: job({ id: '00000000-0000-4000-8000-000000000000', status: 'running' }) }))).toBe(state);
    const open = streamReducer(state, { type: 'connection', connection: 'open' });
    expect(streamReducer(open, { type: 'connection', connection: 'open' })).toBe(open);
  });

  it('announces progress in steps of ten', () => {
    const state = run(initialStreamState(job({ status: 'running' })), message({ type: 'progress', percent: 47 }, '1-0'));
    expect(announcement(state)).toBe('Running, 40 percent');
  });
});
