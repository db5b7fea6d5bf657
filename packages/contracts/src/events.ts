import { z } from 'zod';
import { JobStatus, JobView } from './jobs.ts';

/**
 * The events of one job, as written by workers to the job's Redis Stream and sent to
 * browsers over SSE. The SSE `event:` field is `type`; the SSE `id:` is the stream entry id.
 */
export const StatusEvent = z.object({ type: z.literal('status'), status: JobStatus, workerId: z.string().optional() });
export const ProgressEvent = z.object({ type: z.literal('progress'), percent: z.number().int().min(0).max(100), stage: z.string().optional() });
export const PreviewEvent = z.object({
  type: z.literal('preview'),
  blurhash: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  firstFrameUrl: z.string().optional(),
  /** A sampling step's picture (a small JPEG), newest first to be shown; a query makes each URL its own. */
  url: z.string().optional(),
});
export const OutputEvent = z.object({
  type: z.literal('output'),
  url: z.string(),
  contentType: z.string(),
  bytes: z.number().int(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  durationSeconds: z.number().optional(),
  posterUrl: z.string().optional(),
  peaks: z.array(z.number()).optional(),
  assetId: z.string().optional(),
});
export const ErrorEvent = z.object({ type: z.literal('error'), code: z.string(), message: z.string(), retrying: z.boolean().optional() });
export const QueueEvent = z.object({
  type: z.literal('queue'),
  /** 1-based, among the waiting jobs of the same model. */
  position: z.number().int(),
  etaSeconds: z.number(),
  /** Set while no live worker serves the job's model: `a worker that serves <model>`. */
  waitingFor: z.string().optional(),
});
export type QueueEvent = z.infer<typeof QueueEvent>;

export const JobEvent = z.discriminatedUnion('type', [StatusEvent, ProgressEvent, PreviewEvent, OutputEvent, ErrorEvent, QueueEvent]);
export type JobEvent = z.infer<typeof JobEvent>;
export type JobEventType = JobEvent['type'];

/** Sent first on a fresh stream (no Last-Event-ID), and again after a `reset`. Not part of the Redis Stream. */
export const SnapshotEvent = z.object({ type: z.literal('snapshot'), job: JobView });
export type SnapshotEvent = z.infer<typeof SnapshotEvent>;

/** Sent when a client's Last-Event-ID is older than the history kept: a fresh snapshot follows. */
export const ResetEvent = z.object({ type: z.literal('reset'), reason: z.string() });

export const isTerminalEvent = (event: JobEvent): boolean => event.type === 'status' && ['succeeded', 'failed', 'canceled'].includes(event.status);

/** Everything the SSE endpoint sends: the job's events plus the endpoint's own `snapshot` and `reset`. */
export const JobStreamEvent = z.discriminatedUnion('type', [
  SnapshotEvent,
  ResetEvent,
  StatusEvent,
  ProgressEvent,
  PreviewEvent,
  OutputEvent,
  ErrorEvent,
  QueueEvent,
]);
export type JobStreamEvent = z.infer<typeof JobStreamEvent>;
