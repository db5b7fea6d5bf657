import { JobEvent, SnapshotEvent } from '@atelier/contracts';

/** A `reset` tells the client its Last-Event-ID is older than the history kept; a snapshot follows. */
export interface ResetMessage {
  type: 'reset';
  reason: string;
}

/** Everything a job's SSE stream can carry, as typed by packages/contracts. */
export type StreamEvent = JobEvent | SnapshotEvent | ResetMessage;

/** The SSE `event:` names the stream uses; `error` is also EventSource's own connection error. */
export const streamEventNames = ['snapshot', 'reset', 'status', 'progress', 'queue', 'preview', 'output', 'error'] as const;

/**
 * Parse one SSE message: its event name and its JSON data. The name is the event's `type`
 * (the data may carry it too). Returns null for anything the contracts do not allow.
 */
export function parseStreamEvent(name: string, data: string): StreamEvent | null {
  const payload = parseObject(data);
  if (name === 'reset') {
    return { type: 'reset', reason: typeof payload?.reason === 'string' ? payload.reason : '' };
  }
  if (!payload) return null;
  const candidate = { ...payload, type: name };
  const result = name === 'snapshot' ? SnapshotEvent.safeParse(candidate) : JobEvent.safeParse(candidate);
  return result.success ? result.data : null;
}

function parseObject(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null; // not JSON: the caller ignores the message
  }
}
