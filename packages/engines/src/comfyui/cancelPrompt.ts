import type { ComfyUiHttp } from './comfyUiHttp.ts';

/** The job is gone, so the cancel has a short deadline of its own. */
const CANCEL_TIMEOUT_MS = 5_000;

/**
 * Take a prompt out of ComfyUI: deleted from the queue while it waits, interrupted once it
 * runs. Asking where it is first keeps an interrupt from stopping another job's prompt on a
 * server without targeted interrupts; asking again after the delete catches a prompt that
 * started meanwhile.
 */
export async function cancelPrompt(http: ComfyUiHttp, promptId: string): Promise<void> {
  const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
  let place = await http.placeOf(signal, promptId);
  if (place === 'pending') {
    await http.deleteQueued(signal, promptId);
    place = await http.placeOf(signal, promptId);
  }
  if (place === 'running') await http.interrupt(signal, promptId);
}
