import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { isTerminal } from '@atelier/contracts';
import type { JobView } from '@atelier/contracts';
import { useRefreshAccount } from '../api/queries.ts';
import { parseStreamEvent, streamEventNames } from './streamEvents.ts';
import { initialStreamState, streamReducer } from './streamReducer.ts';
import type { JobStreamState } from './streamReducer.ts';

export const streamUrlOf = (jobId: string): string => `/api/generate/${encodeURIComponent(jobId)}/stream`;

/**
 * Follow one job. While `live` and the job is not finished, an EventSource streams its
 * events (the browser reconnects by itself and sends Last-Event-ID); the reducer drops
 * replays and keeps percent from going down. The stream is closed at the terminal status.
 * Without `live`, the card follows the job row passed in (refreshed by the job list).
 */
export function useJobStream(job: JobView, live: boolean): { state: JobStreamState; reconnect: () => void } {
  const [state, dispatch] = useReducer(streamReducer, job, initialStreamState);
  const [attempt, setAttempt] = useState(0);
  const refreshAccount = useRefreshAccount();
  const finished = isTerminal(state.status);
  const startedUnfinished = useRef(!isTerminal(job.status));

  useEffect(() => {
    if (!live) dispatch({ type: 'job', job });
  }, [job, live]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `attempt` opens the stream again after a failure; the effect need not read it
  useEffect(() => {
    if (!live || finished) return;
    const source = new EventSource(streamUrlOf(job.id));
    dispatch({ type: 'connection', connection: 'connecting' });

    const onMessage = (message: MessageEvent<string>) => {
      const event = parseStreamEvent(message.type, message.data);
      if (!event) {
        console.warn(`Ignored a ${message.type} event the contracts do not allow`, message.data);
        return;
      }
      dispatch({ type: 'message', event, id: message.lastEventId });
      const done = (event.type === 'status' && isTerminal(event.status)) || (event.type === 'snapshot' && isTerminal(event.job.status));
      if (done) {
        source.close(); // the server ends the stream now; do not let EventSource reconnect
        dispatch({ type: 'connection', connection: 'closed' });
      }
    };
    const onError = (event: Event) => {
      // `error` is both a job event sent by the server and EventSource's connection error.
      if (event instanceof MessageEvent && typeof event.data === 'string' && event.data) {
        onMessage(event as MessageEvent<string>);
        return;
      }
      dispatch({
        type: 'connection',
        connection: source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting',
      });
    };

    source.onopen = () => dispatch({ type: 'connection', connection: 'open' });
    for (const name of streamEventNames) {
      if (name !== 'error') source.addEventListener(name, onMessage);
    }
    source.addEventListener('error', onError);
    return () => source.close();
  }, [job.id, live, finished, attempt]);

  // Credits, gallery and ledger change when a job this page watched comes to its end.
  useEffect(() => {
    if (finished && startedUnfinished.current) {
      startedUnfinished.current = false;
      refreshAccount();
    }
  }, [finished, refreshAccount]);

  const reconnect = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reconnect };
}
