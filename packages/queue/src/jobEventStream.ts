import type { Redis, Result } from 'ioredis';
import { JobEvent, isTerminalEvent } from '@atelier/contracts';

/** One Redis Stream per job; its entry ids are the SSE ids. The pub/sub channel has the same name. */
export const jobEventsKey = (jobId: string): string => `job:${jobId}:events`;

export const STREAM_MAX_LENGTH = 1_000;
/** How long a finished job's events are kept for late readers and reconnects. */
export const FINISHED_STREAM_TTL_SECONDS = 24 * 3_600;

export interface JobEventEntry {
  id: string;
  event: JobEvent;
}

// XADD and PUBLISH in one script: atomic, one round trip, and pub/sub order equals stream order,
// which lets each API process forward published entries without reading the stream again.
const APPEND_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2])
redis.call('PUBLISH', KEYS[1], id .. ' ' .. ARGV[2])
if ARGV[3] ~= '0' then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return id`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    appendJobEvent(key: string, maxLength: number, payload: string, ttlSeconds: number): Result<string, Context>;
  }
}

function ensureAppendCommand(redis: Redis): void {
  if (typeof (redis as Partial<Redis>).appendJobEvent === 'function') return;
  redis.defineCommand('appendJobEvent', { numberOfKeys: 1, lua: APPEND_SCRIPT });
}

/** Append one event; a terminal event also starts the stream's expiry. Returns the entry id. */
export async function appendJobEvent(redis: Redis, jobId: string, event: JobEvent): Promise<string> {
  ensureAppendCommand(redis);
  const ttl = isTerminalEvent(event) ? FINISHED_STREAM_TTL_SECONDS : 0;
  return redis.appendJobEvent(jobEventsKey(jobId), STREAM_MAX_LENGTH, JSON.stringify(JobEvent.parse(event)), ttl);
}

const parseEntry = ([id, fields]: [string, string[]]): JobEventEntry => ({ id, event: JSON.parse(fields[1] ?? 'null') as JobEvent });

/** Entries strictly after `afterId` (all of them when null). */
export async function readJobEvents(redis: Redis, jobId: string, afterId: string | null): Promise<JobEventEntry[]> {
  const entries = await redis.xrange(jobEventsKey(jobId), afterId === null ? '-' : `(${afterId}`, '+');
  return entries.map(parseEntry);
}

/** The oldest id still kept, or null when the stream is gone (expired, trimmed away or never written). */
export async function oldestJobEventId(redis: Redis, jobId: string): Promise<string | null> {
  const [first] = await redis.xrange(jobEventsKey(jobId), '-', '+', 'COUNT', 1);
  return first?.[0] ?? null;
}

export function parsePublishedEntry(message: string): JobEventEntry {
  const space = message.indexOf(' ');
  return { id: message.slice(0, space), event: JSON.parse(message.slice(space + 1)) as JobEvent };
}

/** Stream ids are `ms-seq`; compare them as numbers, part by part. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

export const isValidStreamId = (id: string): boolean => /^\d{1,20}-\d{1,20}$/.test(id);
