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
  /** The event's JSON exactly as stored and published (`JSON.stringify(event)`), so a reader need not encode it again. */
  data?: string;
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

const parseEntry = ([id, fields]: [string, string[]]): JobEventEntry => {
  const data = fields[1] ?? 'null';
  return { id, event: JSON.parse(data) as JobEvent, data };
};

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
  const data = message.slice(space + 1);
  return { id: message.slice(0, space), event: JSON.parse(data) as JobEvent, data };
}

/**
 * Stream ids are `ms-seq`; compare them as numbers, part by part. Called for every follower of
 * every published event, so it allocates no arrays.
 */
export function compareStreamIds(a: string, b: string): number {
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  const aMs = Number(aDash < 0 ? a : a.slice(0, aDash));
  const bMs = Number(bDash < 0 ? b : b.slice(0, bDash));
  const aSeq = aDash < 0 ? 0 : Number(a.slice(aDash + 1));
  const bSeq = bDash < 0 ? 0 : Number(b.slice(bDash + 1));
  return aMs - bMs || aSeq - bSeq;
}

export const isValidStreamId = (id: string): boolean => /^\d{1,20}-\d{1,20}$/.test(id);
