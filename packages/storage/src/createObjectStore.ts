import { LocalDiskStore } from './localDiskStore.ts';
import { S3Store } from './s3Store.ts';
import { s3StoreOptionsFromConfig } from './s3StoreOptionsFromConfig.ts';
import type { StorageConfig } from './storageConfig.ts';

/**
 * The store STORAGE_DRIVER names. The result's `driver` tells the two apart, so the API can
 * narrow to LocalDiskStore for its `/files/*` route (only local objects are served by the API).
 * Throws ConfigError at start-up when STORAGE_DRIVER=s3 and an S3_* variable is missing.
 */
export function createObjectStore(config: StorageConfig): LocalDiskStore | S3Store {
  switch (config.STORAGE_DRIVER) {
    case 'local':
      return new LocalDiskStore({
        directory: config.STORAGE_LOCAL_DIR,
        publicUrl: config.PUBLIC_URL,
        signingSecret: config.STORAGE_SIGNING_SECRET,
      });
    case 's3':
      return new S3Store(s3StoreOptionsFromConfig(config));
  }
}
