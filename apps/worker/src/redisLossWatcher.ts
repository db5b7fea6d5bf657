import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { markRedisData, redisDataLost } from '@atelier/queue';

export interface RedisLossWatcher {
  stop(): void;
}

/**
 * Runs `repair` (put every unfinished job back) as soon as Redis may have lost the queue:
 * when the connection is ready again after a drop (Redis restarted, perhaps empty), and when
 * the data sentinel has vanished while connected (FLUSHDB, FLUSHALL). Checked every
 * `intervalMs`: one EXISTS per worker a period. The sentinel is set before the repair, so a
 * loss during the repair is seen on the next check; a repair that fails (PostgreSQL out of
 * reach) is tried again on every check until it succeeds.
 */
export function watchForRedisLoss(redis: Redis, prefix: string, intervalMs: number, repair: () => Promise<unknown>, log: Logger): RedisLossWatcher {
  let owed = false;
  let busy = false;
  const check = async () => {
    if (busy) return;
    busy = true;
    try {
      if (await redisDataLost(redis, prefix)) {
        // A new Redis looks the same as an emptied one; the reconciler warns if it had jobs to put back.
        log.info('no queue data sentinel in Redis (new or emptied): checking that every unfinished job is queued');
        await markRedisData(redis, prefix);
        owed = true;
      }
      if (owed) {
        await repair();
        owed = false;
      }
    } catch (error) {
      log.warn({ err: error }, 'redis loss check or repair failed; trying again');
    } finally {
      busy = false;
    }
  };
  let connectedBefore = redis.status === 'ready';
  const onReady = () => {
    // A Redis that restarted with its data kept may still have missed writes; a pass is cheap.
    if (connectedBefore) owed = true;
    connectedBefore = true;
    void check();
  };
  redis.on('ready', onReady);
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  void check();
  return {
    stop() {
      clearInterval(timer);
      redis.off('ready', onReady);
    },
  };
}
