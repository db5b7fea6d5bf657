import type { JobStreamEvent, JobStatus } from '@atelier/contracts';
import { AtelierApiError, AtelierNetworkError } from './atelierApiError.ts';
import { parseSse } from './sseParser.ts';

export interface JobStreamMessage {
  /** The event's stream id (what `Last-Event-ID` resumes after); empty for a `snapshot`. */
  id: string;
  event: JobStreamEvent;
}

export interface StreamOptions {
  /** Resume after this event id instead of starting with a snapshot. */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Reconnects in a row that may see nothing new before the stream gives up (default 5). */
  maxReconnects?: number;
}

const terminalStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];
const DEFAULT_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

/** Opens the stream once: the response, or an error the caller should not retry. */
export type OpenStream = (lastEventId: string | null, signal: AbortSignal | undefined) => Promise<Response>;

const isTerminalEvent = (event: JobStreamEvent) => event.type === 'status' && terminalStatuses.includes(event.status);

/**
 * A job's events, in order, none twice, until its terminal status. When the connection drops
 * before that, it reconnects with `Last-Event-ID` (the server then sends exactly what came
 * after), waiting the server's `retry:` (or 1 s), doubled per fruitless attempt.
 */
export async function* followJobStream(open: OpenStream, options: StreamOptions = {}): AsyncGenerator<JobStreamMessage> {
  let lastEventId = options.lastEventId ?? null;
  let retryMs = DEFAULT_RETRY_MS;
  let fruitless = 0;
  let terminalSnapshot = false;
  for (;;) {
    let response: Response | null = null;
    let failure: unknown = null;
    try {
      response = await open(lastEventId, options.signal);
    } catch (error) {
      if (options.signal?.aborted || error instanceof AtelierApiError) throw error;
      failure = error;
    }
    if (response?.body) {
      let progressed = false;
      try {
        for await (const message of parseSse(response.body, lastEventId ?? '')) {
          if (message.retry !== undefined) retryMs = message.retry;
          const event = JSON.parse(message.data) as JobStreamEvent;
          if (message.id) lastEventId = message.id;
          progressed = true;
          terminalSnapshot = event.type === 'snapshot' && terminalStatuses.includes(event.job.status);
          yield { id: event.type === 'snapshot' ? '' : message.id, event };
          if (isTerminalEvent(event)) return;
        }
        // The server ends the stream of a job that finished so long ago that its events are gone after the snapshot.
        if (terminalSnapshot) return;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        failure = error;
      }
      if (progressed) fruitless = 0;
    }
    fruitless++;
    if (fruitless > (options.maxReconnects ?? 5)) {
      throw new AtelierNetworkError(`the job stream dropped ${fruitless} times in a row`, { cause: failure });
    }
    await sleep(Math.min(retryMs * 2 ** (fruitless - 1), MAX_RETRY_MS), options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
