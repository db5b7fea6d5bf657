import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isTerminal, isTerminalEvent, type QueueEvent } from '@atelier/contracts';
import { findJobForUser, findUserByApiKey, type JobRow, type User } from '@atelier/db';
import { compareStreamIds, isValidStreamId, oldestJobEventId, type Follower, type JobEventEntry } from '@atelier/queue';
import type { ApiServices } from '../services.ts';
import { jobView } from '../jobView.ts';
import { SseConnection, sseFrame } from './sseConnection.ts';
import type { StreamSeat } from './streamSeats.ts';

/** A client over its stream cap is told to try again after this: by then a job of theirs has likely ended. */
const STREAM_CAP_RETRY_AFTER_MS = 5_000;

/**
 * The hub hands one entry object to every stream of the job (2,000 viewers of one job get the
 * same object), so the frame is serialised and UTF-8 encoded once per event, not once per stream.
 */
const frames = new WeakMap<JobEventEntry, Buffer>();
function frameOf(entry: JobEventEntry): Buffer {
  let frame = frames.get(entry);
  if (frame === undefined) {
    frame = Buffer.from(sseFrame(entry.event.type, entry.data ?? JSON.stringify(entry.event), entry.id));
    frames.set(entry, frame);
  }
  return frame;
}

function lastEventId(request: FastifyRequest): string | null {
  const header = request.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && isValidStreamId(value) ? value : null;
}

/**
 * `GET /api/generate/:id/stream`. A fresh client gets a `snapshot` of the row, then every
 * event of the job's stream; a returning client (Last-Event-ID) gets exactly the events after
 * its id. A cursor the stream no longer holds gets `reset` and a fresh snapshot, never a
 * silent gap. The response ends after the terminal `status` event.
 */
export async function streamJobEvents(services: ApiServices, user: User, jobId: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // The seat is claimed alongside the job's read, one round trip less before the first event,
  // and given back on any refusal or failure.
  const [read, claim] = await Promise.allSettled([findJobForUser(services.pool, user.id, jobId), services.streamSeats.claim(user.id)]);
  const seat = claim.status === 'fulfilled' ? claim.value : null;
  try {
    if (read.status === 'rejected') throw read.reason;
    if (claim.status === 'rejected') throw claim.reason;
    return await openStream(services, read.value, seat, jobId, request, reply);
  } catch (error) {
    if (seat !== null) services.streamSeats.release(seat);
    throw error;
  }
}

async function openStream(
  services: ApiServices,
  job: JobRow | null,
  seat: StreamSeat | null,
  jobId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  if (!job) throw new AppError('job_not_found');
  if (seat === null) {
    reply.header('retry-after', String(Math.ceil(STREAM_CAP_RETRY_AFTER_MS / 1000)));
    throw new AppError('rate_limited', `At most ${services.streamSeats.maxPerUser} job streams may be open at once.`);
  }
  let cursor = lastEventId(request);
  if (cursor !== null) {
    const oldest = await oldestJobEventId(services.redis, jobId);
    if (oldest === null || compareStreamIds(oldest, cursor) > 0) cursor = null;
  }
  const resuming = lastEventId(request) !== null;

  reply.hijack();
  const sse = new SseConnection(reply.raw);
  sse.open(services.streams.retryMs);
  services.streams.add(sse);
  if (resuming && cursor === null) sse.send('reset', { type: 'reset', reason: 'The events after your Last-Event-ID are no longer kept.' });
  if (cursor === null) sse.send('snapshot', { type: 'snapshot', job: jobView(job) });

  const stream = new JobStream(services, sse, seat, jobId, job.model, { request_id: request.id, user_id: job.userId, job_id: jobId });
  reply.raw.on('close', () => stream.close());
  if (request.apiKeyToken !== null) stream.watchKey(job.userId, request.apiKeyToken);

  try {
    const stop = await services.events.follow(jobId, cursor, stream);
    stream.stop = stop;
    if (sse.isClosed) {
      stop();
      return;
    }
  } catch (error) {
    request.log.warn({ err: error, job_id: jobId }, 'could not follow job events; closing so the client resumes');
    stream.close();
    return;
  }
  // The row says the job is over but the stream holds no terminal event (expired, or not yet
  // written): the snapshot carries the final state, so end with it.
  if (!isTerminal(job.status)) {
    if (job.status === 'queued' && cursor === null) stream.followPosition(true);
    return;
  }
  if (cursor !== null) sse.send('snapshot', { type: 'snapshot', job: jobView(job) });
  stream.close();
}

/**
 * One open job stream once its snapshot is sent: it follows the job's events (and its queue
 * position while it waits) and closes once. A class rather than closures because it lives as
 * long as the stream: it holds only these fields (not the request, the job or the user row),
 * and its methods are shared, where tsx's esbuild keepNames would give each named closure of
 * each stream its own `name` property (about 0.25 KiB apiece).
 */
class JobStream implements Follower {
  stop: (() => void) | null = null;
  private untrackPosition: (() => void) | null = null;
  private unwatchKey: (() => void) | null = null;
  /** Something about the user changed and the key is being checked again: its events wait here meanwhile. */
  private heldWhileInDoubt: JobEventEntry[] | null = null;
  /** Checks of the key still awaited: a second change while one is out keeps events held until both answer. */
  private checksPending = 0;

  constructor(
    private readonly services: ApiServices,
    private readonly sse: SseConnection,
    private readonly seat: StreamSeat,
    private readonly jobId: string,
    private readonly model: string,
    private readonly logFields: Record<string, string>,
  ) {}

  /**
   * A stream opened with an API key lasts only as long as the key: when this process hears
   * that something about the user changed (apiKeyCache.ts), the key is looked up again, and a
   * revoked key (or a disabled user) ends the stream. Events that come while the answer is
   * awaited are held, and sent once the key is found good: nothing reaches a revoked key.
   */
  watchKey(userId: string, key: string): void {
    this.unwatchKey = this.services.authCache.watch(userId, () => {
      this.heldWhileInDoubt ??= [];
      this.checksPending++;
      findUserByApiKey(this.services.pool, key).then(
        (user) => {
          if (user === null || user.disabledAt) this.close();
          else if (--this.checksPending === 0) this.releaseHeld();
        },
        (error: Error) => {
          this.services.log.warn({ err: error, ...this.logFields }, 'could not check a stream key again; closing so the client resumes');
          this.close();
        },
      );
    });
  }

  private releaseHeld(): void {
    const held = this.heldWhileInDoubt ?? [];
    this.heldWhileInDoubt = null;
    for (const entry of held) this.deliver(entry);
  }

  deliver(entry: JobEventEntry): void {
    if (this.heldWhileInDoubt !== null) {
      this.heldWhileInDoubt.push(entry);
      return;
    }
    const { event } = entry;
    this.sse.sendFrame(frameOf(entry));
    if (event.type === 'status') this.followPosition(event.status === 'queued');
    if (isTerminalEvent(event)) this.close();
  }

  fail(error: Error): void {
    this.services.log.warn({ err: error, ...this.logFields }, 'job stream lost its catch-up; closing so the client resumes');
    this.close();
  }

  followPosition(waiting: boolean): void {
    if (waiting === (this.untrackPosition !== null)) return;
    if (waiting) {
      this.untrackPosition = this.services.queuePositions.track(this.jobId, this.model, (event: QueueEvent) => this.sse.send('queue', event));
    } else {
      this.untrackPosition?.();
      this.untrackPosition = null;
    }
  }

  close(): void {
    this.stop?.();
    this.unwatchKey?.();
    this.unwatchKey = null;
    this.followPosition(false);
    this.services.streams.delete(this.sse);
    this.services.streamSeats.release(this.seat);
    this.sse.end();
  }
}
