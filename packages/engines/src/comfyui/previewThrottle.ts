/**
 * Admits at most one preview per interval (the first at once): a sampler sends one a step,
 * tens a second on a fast GPU, and each preview we take is stored and sent to the browser.
 */
export function previewThrottle(intervalMs: number, now: () => number = () => performance.now()) {
  let last = Number.NEGATIVE_INFINITY;
  return {
    admit(): boolean {
      const at = now();
      if (at - last < intervalMs) return false;
      last = at;
      return true;
    },
  };
}
