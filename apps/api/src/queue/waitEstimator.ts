import { recentRunStats, type Pool, type RunStats } from '@atelier/db';

const STATS_TTL_MS = 10_000;
/** Until a model has run at least once, assume this. */
const DEFAULT_RUN_SECONDS = 5;

/**
 * Estimated wait from a queue position: the recent completion rate when there is one (it
 * already counts every worker), else the model's median run time per job ahead.
 */
export class WaitEstimator {
  private stats: RunStats[] = [];
  private fetchedAt = 0;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly pool: Pool) {}

  async etaSeconds(position: number, model: string): Promise<number> {
    await this.refresh();
    // Only the model's own completions: its queue moves at the rate of the workers that serve it.
    const own = this.stats.find((s) => s.model === model);
    const finished = own?.finishedLastFiveMinutes ?? 0;
    const ownRun = own?.medianRunSeconds || DEFAULT_RUN_SECONDS;
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
