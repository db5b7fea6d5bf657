import { isTerminalEvent } from '@atelier/contracts';
import { findJob, type JobRow } from '@atelier/db';
import type { ApiServices } from '../services.ts';

/**
 * Holds a submit (`Prefer: wait=N`) until the job's terminal event or the deadline, as one
 * follower of the process's event hub: no poll, and no Redis connection of its own. The
 * stream is read from its start, so a job that finished before the follow began is seen at
 * once. When the client goes away (`signal`) only the wait stops: the job runs on. Returns
 * the row as it stands when the wait ends, whatever ended it.
 */
export async function awaitTerminalJob(services: ApiServices, job: JobRow, seconds: number, signal: AbortSignal): Promise<JobRow> {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(finish, seconds * 1_000);
  signal.addEventListener('abort', finish, { once: true });
  if (signal.aborted) finish();
  const following = services.events.follow(job.id, null, {
    deliver: (entry) => isTerminalEvent(entry.event) && finish(),
    fail,
  });
  try {
    await Promise.all([finished, following]);
  } catch (error) {
    // The job is queued whatever the stream did: the client gets it as it stands, not an error.
    services.log.warn({ err: error, job_id: job.id }, 'Prefer: wait could not follow the job; answering with it as it stands');
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', finish);
    // follow() may still be catching up when the wait ends: it is stopped once it has started.
    // A follow that failed has nothing to stop, and its error was logged above.
    following.then(
      (unfollow) => unfollow(),
      () => undefined,
    );
  }
  return (await findJob(services.pool, job.id)) ?? job;
}
