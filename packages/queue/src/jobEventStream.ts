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

// XADD and PUBLISH in one script: atomic, one round trip for any number of events, and pub/sub
// order equals stream order, which lets each API process forward published entries without
// reading the stream again.
const APPEND_SCRIPT = `
local ids = {}
for i = 3, #ARGV do
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
  redis.call('PUBLISH', KEYS[1], id .. ' ' .. ARGV[i])
  ids[#ids + 1] = id
end
if ARGV[2] ~= '0' then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return ids`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    appendJobEvents(key: string, maxLength: number, ttlSeconds: number, ...payloads: string[]): Result<string[], Context>;
  }
}

function ensureAppendCommand(redis: Redis): void {
  if (typeof (redis as Partial<Redis>).appendJobEvents === 'function') return;
  redis.defineCommand('appendJobEvents', { numberOfKeys: 1, lua: APPEND_SCRIPT });
}

/** Append events in order, in one round trip; a terminal event also starts the stream's expiry. Returns the entry ids. */
export async function appendJobEvents(redis: Redis, jobId: string, events: JobEvent[]): Promise<string[]> {
  ensureAppendCommand(redis);
  const ttl = events.some(isTerminalEvent) ? FINISHED_STREAM_TTL_SECONDS : 0;
  const payloads = events.map((event) => JSON.stringify(JobEvent.parse(event)));
  return redis.appendJobEvents(jobEventsKey(jobId), STREAM_MAX_LENGTH, ttl, ...payloads);
}

export async function appendJobEvent(redis: Redis, jobId: string, event: JobEvent): Promise<string> {
  const [id] = await appendJobEvents(redis, jobId, [event]);
  return id!;
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
