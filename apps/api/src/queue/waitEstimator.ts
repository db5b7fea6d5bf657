import type { JobKind } from '@atelier/contracts';
import { recentRunStats, type Pool, type RunStats } from '@atelier/db';

const STATS_TTL_MS = 10_000;
/** Until a kind has run at least once, assume this. */
const DEFAULT_RUN_SECONDS = 5;

/**
 * Estimated wait from a queue position: the recent completion rate when there is one (it
 * already counts every worker), else the kind's median run time per job ahead.
 */
export class WaitEstimator {
  private stats: RunStats[] = [];
  private fetchedAt = 0;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly pool: Pool) {}

  async etaSeconds(position: number, kind: JobKind): Promise<number> {
    await this.refresh();
    const finished = this.stats.reduce((sum, s) => sum + s.finishedLastFiveMinutes, 0);
    const ownRun = this.stats.find((s) => s.kind === kind)?.medianRunSeconds || DEFAULT_RUN_SECONDS;
    const secondsPerJob = finished > 0 ? 300 / finished : ownRun;
    return Math.round((position * secondsPerJob + ownRun) * 10) / 10;
  }

  private async refresh(): Promise<void> {
    if (Date.now() - this.fetchedAt < STATS_TTL_MS) return;
    this.refreshing ??= recentRunStats(this.pool)
      .then((stats) => {
        this.stats = stats;
        this.fetchedAt = Date.now();
      })
      .finally(() => (this.refreshing = null));
    await this.refreshing;
  }
}
