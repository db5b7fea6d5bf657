import { setTimeout as sleep } from 'node:timers/promises';

/** Wait between polls; an abort ends the wait at once with the job's reason. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw error;
  }
}
