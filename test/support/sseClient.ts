import { EventSource } from 'eventsource';
import { isTerminal, type JobStatus } from '@atelier/contracts';

export interface ReceivedEvent {
  type: string;
  id: string;
  data: Record<string, unknown>;
}

const eventTypes = ['snapshot', 'reset', 'status', 'progress', 'queue', 'preview', 'output', 'error'];

/**
 * Reads a job stream with a standards-compliant EventSource client until the terminal status
 * (or until `until` says stop), and returns what it saw. Auth and Last-Event-ID go as headers.
 */
export function readStream(
  url: string,
  headers: Record<string, string>,
  options: { lastEventId?: string; until?: (event: ReceivedEvent, all: ReceivedEvent[]) => boolean; timeoutMs?: number } = {},
): Promise<ReceivedEvent[]> {
  const received: ReceivedEvent[] = [];
  // EventSource dispatches the rest of a chunk after close(): what comes after the end is not the caller's.
  let settled = false;
  return new Promise((resolve, reject) => {
    const source = new EventSource(url, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...init.headers, ...headers, ...(options.lastEventId && received.length === 0 ? { 'last-event-id': options.lastEventId } : {}) },
        }),
    });
    const timer = setTimeout(() => {
      settled = true;
      source.close();
      reject(new Error(`stream did not finish in time; saw ${received.map((e) => e.type).join(',')}`));
    }, options.timeoutMs ?? 30_000);
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      source.close();
      resolve(received);
    };
    for (const type of eventTypes) {
      source.addEventListener(type, (message) => {
        // EventSource reports its own connection errors as `error` too; those carry no data.
        if (settled || message.data === undefined) return;
        const event = { type, id: message.lastEventId, data: JSON.parse(message.data) as Record<string, unknown> };
        received.push(event);
        const terminal = type === 'status' && isTerminal(event.data.status as JobStatus);
        if (terminal || options.until?.(event, received)) finish();
      });
    }
    source.onerror = (error) => {
      if (settled) return;
      // A job that had already finished gets its snapshot and recorded events, then the end.
      const last = received.at(-1);
      if (last?.type === 'snapshot' && isTerminal((last.data.job as { status: JobStatus }).status)) {
        finish();
        return;
      }
      // The server ends the response after a terminal event; anything else before that is a failure.
      if (received.length === 0) {
        settled = true;
        clearTimeout(timer);
        source.close();
        reject(new Error(`stream failed: ${error.message ?? error.code}`));
      }
    };
  });
}
