import type { EngineContext, PreviewImage } from '../../src/index.ts';

export type Recorded = { type: 'progress'; percent: number; at: number } | { type: 'preview'; image: PreviewImage; at: number };

/**
 * An engine context that keeps what the engine reported, with the milliseconds since it was
 * made, and can abort the engine when a given report comes in.
 */
export function recordingContext(options: { abortOn?: (event: Recorded) => boolean } = {}) {
  const controller = new AbortController();
  const started = performance.now();
  const events: Recorded[] = [];
  let abortedAt: number | undefined;
  const abort = () => {
    if (abortedAt !== undefined) return;
    abortedAt = performance.now();
    controller.abort(new Error('aborted by the test'));
  };
  const record = (event: Recorded) => {
    events.push(event);
    if (options.abortOn?.(event)) abort();
  };
  const ctx: EngineContext = {
    signal: controller.signal,
    progress: (percent) => record({ type: 'progress', percent, at: performance.now() - started }),
    preview: async (image) => record({ type: 'preview', image, at: performance.now() - started }),
  };
  return {
    ctx,
    events,
    controller,
    abort,
    /** Milliseconds from the abort to now. */
    sinceAbort: () => performance.now() - abortedAt!,
    progress: () => events.flatMap((event) => (event.type === 'progress' ? [event.percent] : [])),
    previews: () => events.flatMap((event) => (event.type === 'preview' ? [event] : [])),
  };
}

/** Run `work` and how long it took to settle, in milliseconds, whether it resolved or rejected. */
export async function settleTimed(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await work;
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}
