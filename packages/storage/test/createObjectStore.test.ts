import { ConfigError, parseConfig, storageConfig } from '@atelier/config';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createObjectStore } from '../src/index.ts';

/** The storage settings as a process would parse them from its environment. */
function configFrom(env: Record<string, string>) {
  return parseConfig(z.object(storageConfig), env);
}

function issuesOf(env: Record<string, string>): string[] {
  try {
    createObjectStore(configFrom(env));
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('createObjectStore accepted the configuration');
}

describe('createObjectStore', () => {
  it('makes the local-disk store by default', () => {
    expect(createObjectStore(configFrom({})).driver).toBe('local');
  });

  it('makes the S3 store when STORAGE_DRIVER=s3 and the S3 settings are there', () => {
    const store = createObjectStore(
      configFrom({
        STORAGE_DRIVER: 's3',
        S3_BUCKET: 'media',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
      }),
    );
    expect(store.driver).toBe('s3');
    if (store.driver === 's3') store.destroy();
  });

  it('accepts AWS without access keys, leaving them to the SDK default chain', () => {
    const store = createObjectStore(configFrom({ STORAGE_DRIVER: 's3', S3_BUCKET: 'media' }));
    expect(store.driver).toBe('s3');
    if (store.driver === 's3') store.destroy();
  });

  it('names S3_BUCKET when it is missing', () => {
    expect(issuesOf({ STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET: required when STORAGE_DRIVER=s3']);
  });

  it('names both access keys when S3_ENDPOINT is set without them', () => {
    expect(issuesOf({ STORAGE_DRIVER: 's3', S3_BUCKET: 'media', S3_ENDPOINT: 'http://127.0.0.1:9000' })).toEqual([
      'S3_ACCESS_KEY_ID: required when STORAGE_DRIVER=s3 and S3_ENDPOINT is set',
      'S3_SECRET_ACCESS_KEY: required when STORAGE_DRIVER=s3 and S3_ENDPOINT is set',
    ]);
  });

  it('names the other access key when only one is set', () => {
    expect(issuesOf({ STORAGE_DRIVER: 's3', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'id' })).toEqual([
      'S3_SECRET_ACCESS_KEY: required when STORAGE_DRIVER=s3 and the other access key is set',
    ]);
  });
});
