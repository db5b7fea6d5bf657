import type { Logger } from 'pino';

/**
 * Run `task` every `intervalMs`, never two at once; a failed pass is logged and the next one
 * tries again. Returns the function that stops it.
 */
export function runPeriodically(name: string, intervalMs: number, task: () => Promise<unknown>, log: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((error: Error) => log.warn({ err: error, task: name }, 'periodic task failed; will try again'))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
