/** Refusals are swept when this many are remembered, so a crowd of one-off abusers cannot grow the map. */
const SWEEP_AT = 10_000;

/**
 * Refusals of fixed-window limits, by key, each until its window ends. A key's count only
 * grows until then, so nothing in between could lift a refusal: while it lasts, a request is
 * answered from here instead of by a Redis script.
 */
export class RefusalMemory<Refusal extends { until: number }> {
  private readonly refusals = new Map<string, Refusal>();

  get(key: string, now = Date.now()): Refusal | null {
    const refusal = this.refusals.get(key);
    return refusal !== undefined && refusal.until > now ? refusal : null;
  }

  /** The key's refusal if its window has ended, handed over once: it is forgotten here. */
  takeLapsed(key: string, now = Date.now()): Refusal | null {
    const refusal = this.refusals.get(key);
    if (refusal === undefined || refusal.until > now) return null;
    this.refusals.delete(key);
    return refusal;
  }

  remember(key: string, refusal: Refusal, now = Date.now()): void {
    if (this.refusals.size >= SWEEP_AT) {
      for (const [known, { until }] of this.refusals) if (until <= now) this.refusals.delete(known);
    }
    this.refusals.set(key, refusal);
  }
}
