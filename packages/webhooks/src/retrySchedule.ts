/** How far apart delivery attempts are: doubling from the first delay up to the largest, with jitter added. */
export interface RetrySchedule {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Up to this share is added at random, so receivers coming back are not hit all at once. */
  jitter: number;
}

/** The wait after the `attemptsMade`-th failed attempt (1 for the first). */
export const retryDelayMs = (attemptsMade: number, schedule: RetrySchedule, random: () => number = Math.random): number =>
  Math.round(Math.min(schedule.firstDelayMs * 2 ** (attemptsMade - 1), schedule.maxDelayMs) * (1 + schedule.jitter * random()));

/** The least time from the first attempt to the last one (no jitter): how long an event is retried for. */
export const leastRetrySpanMs = (attempts: number, schedule: RetrySchedule): number => {
  let total = 0;
  for (let made = 1; made < attempts; made++) total += retryDelayMs(made, schedule, () => 0);
  return total;
};
