import { isTerminal } from '@atelier/contracts';
import type { JobKind, JobStatus, JobView } from '@atelier/contracts';
import { sentence } from '../lib/format.ts';
import { compareEventIds } from './eventIds.ts';
import type { StreamEvent } from './streamEvents.ts';

export interface JobPreview {
  blurhash: string | null;
  width: number;
  height: number;
  firstFrameUrl?: string;
}

export interface JobOutput {
  url: string;
  /** Empty when only the job row is known (a snapshot), which does not carry it. */
  contentType: string;
  bytes?: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
  posterUrl?: string;
  peaks?: number[];
  assetId?: string;
}

export type Connection = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What a job card shows, built from the job row and then from its event stream. */
export interface JobStreamState {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  /** Never goes down, whatever order snapshots and events arrive in. */
  percent: number;
  queue: { position: number; etaSeconds: number } | null;
  preview: JobPreview | null;
  output: JobOutput | null;
  error: { code: string; message: string; retrying: boolean } | null;
  /** Id of the last stream event applied; an event at or below it is a replay and is dropped. */
  lastEventId: string | null;
  connection: Connection;
}

export type StreamAction =
  /** One SSE message; `id` is the EventSource's lastEventId for it ('' when there is none). */
  | { type: 'message'; event: StreamEvent; id: string }
  | { type: 'connection'; connection: Connection }
  /** A fresher job row from the job list (used when the card has no stream of its own). */
  | { type: 'job'; job: JobView };

export function initialStreamState(job: JobView): JobStreamState {
  const empty: JobStreamState = {
    jobId: job.id,
    kind: job.kind,
    status: job.status,
    percent: 0,
    queue: null,
    preview: null,
    output: null,
    error: null,
    lastEventId: null,
    connection: 'idle',
  };
  return applyJobRow(empty, job);
}

export function streamReducer(state: JobStreamState, action: StreamAction): JobStreamState {
  switch (action.type) {
    case 'connection':
      if (state.connection === action.connection) return state;
      return { ...state, connection: action.connection };
    case 'job':
      return action.job.id === state.jobId ? applyJobRow(state, action.job) : state;
    case 'message':
      return applyMessage(state, action.event, action.id);
  }
}

function applyMessage(state: JobStreamState, event: StreamEvent, id: string): JobStreamState {
  // Snapshots and resets are made by the API, not read from the job's event stream: they
  // carry no id of their own (EventSource repeats the previous one) and are safe to repeat.
  if (event.type === 'snapshot') return event.job.id === state.jobId ? applyJobRow(state, event.job) : state;
  if (event.type === 'reset') return state;

  if (id) {
    if (state.lastEventId !== null && compareEventIds(id, state.lastEventId) <= 0) return state;
    state = { ...state, lastEventId: id };
  }

  switch (event.type) {
    case 'status':
      return withStatus(state, event.status);
    case 'progress':
      return { ...state, percent: Math.max(state.percent, clampPercent(event.percent)) };
    case 'queue':
      if (state.status !== 'queued') return state;
      return { ...state, queue: { position: event.position, etaSeconds: event.etaSeconds } };
    case 'preview': {
      const preview: JobPreview = { blurhash: event.blurhash, width: event.width, height: event.height };
      if (event.firstFrameUrl) preview.firstFrameUrl = event.firstFrameUrl;
      return { ...state, preview };
    }
    case 'output': {
      const { type: _type, ...output } = event;
      return { ...state, output };
    }
    case 'error':
      return { ...state, error: { code: event.code, message: event.message, retrying: event.retrying === true } };
  }
}

/** A terminal status is final (the contracts' state machine has no way out of one). */
function withStatus(state: JobStreamState, status: JobStatus): JobStreamState {
  if (isTerminal(state.status) || state.status === status) return state;
  const next: JobStreamState = { ...state, status };
  if (status !== 'queued') next.queue = null;
  if (status === 'succeeded') next.percent = 100;
  if (status === 'running' && next.error?.retrying) next.error = null;
  return next;
}

/** Merge a job row (snapshot or list) into the state without losing anything newer. */
function applyJobRow(state: JobStreamState, job: JobView): JobStreamState {
  let next = withStatus(state, job.status);
  const percent = Math.max(next.percent, clampPercent(job.progress), next.status === 'succeeded' ? 100 : 0);
  if (percent !== next.percent) next = { ...next, percent };

  if (job.blurhash && !next.preview?.blurhash) {
    next = { ...next, preview: { ...sizeOf(job), ...next.preview, blurhash: job.blurhash } };
  }
  if (job.kind === 'video' && job.previewUrl && !next.preview?.firstFrameUrl) {
    next = { ...next, preview: { blurhash: null, ...sizeOf(job), ...next.preview, firstFrameUrl: job.previewUrl } };
  }
  if (job.outputUrl && !next.output) next = { ...next, output: { url: job.outputUrl, contentType: '' } };
  if (job.error && (!next.error || next.error.retrying) && isTerminal(next.status)) {
    next = { ...next, error: { code: job.error.code, message: job.error.message, retrying: false } };
  }
  return next;
}

/** The size a job asked for (its params), for a frame of the right shape before any preview. */
export function sizeOf(job: JobView): { width: number; height: number } {
  const { width, height } = job.params;
  return {
    width: typeof width === 'number' && width > 0 ? width : 512,
    height: typeof height === 'number' && height > 0 ? height : 512,
  };
}

const clampPercent = (value: number): number => Math.min(100, Math.max(0, Math.round(value)));

/** What to announce to screen readers: status changes and every tenth percent, not each step. */
export function announcement(state: JobStreamState): string {
  switch (state.status) {
    case 'queued':
      return state.queue ? `Queued, position ${state.queue.position}` : 'Queued';
    case 'running':
      return `Running, ${Math.floor(state.percent / 10) * 10} percent`;
    case 'succeeded':
      return 'Done';
    case 'failed':
      return `Failed. ${sentence(state.error?.message ?? 'The job failed')} Credits refunded.`;
    case 'canceled':
      return 'Canceled. Credits refunded.';
  }
}
