import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, JobError } from '@atelier/contracts';
import type { ObjectStore } from '@atelier/storage';

/**
 * The store the worker writes outputs through. `put` resolves only once the object is stored
 * (the local store fsyncs and renames, the S3 store HEADs what it sent). A failed put is
 * tried `retries` more times, `delayMs` apart (for the local disk; the S3 SDK already retries
 * with backoff, and two loops would multiply). A put that still fails is `storage_unavailable`,
 * retryable: the job's next attempt tries again; the last attempt's failure removes what the
 * job stored.
 */
export function withConfirmedUploads(store: ObjectStore, retries: number, delayMs: number): ObjectStore {
  return {
    driver: store.driver,
    head: (key) => store.head(key),
    read: (key) => store.read(key),
    delete: (key) => store.delete(key),
    deletePrefix: (prefix) => store.deletePrefix(prefix),
    signedUrl: (key, seconds) => store.signedUrl(key, seconds),
    async put(key, data, options) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await store.put(key, data, options);
        } catch (error) {
          // A key the store refuses will be refused again: that is our bug, not the storage's.
          if (error instanceof AppError) throw error;
          if (attempt >= retries) {
            const why = error instanceof Error ? error.message : String(error);
            throw new JobError('storage_unavailable', `Could not store ${key}: ${why}`, { retryable: true, cause: error });
          }
          await sleep(delayMs);
        }
      }
    },
  };
}
