import { ConfigError } from '@atelier/config';
import type { S3StoreOptions } from './s3Store.ts';
import type { StorageConfig } from './storageConfig.ts';

/**
 * Reads the S3 settings, or throws one ConfigError naming every missing S3_* variable, so that a
 * process with STORAGE_DRIVER=s3 fails at start-up instead of at its first upload.
 *
 * S3_BUCKET is always needed. The access keys are needed with S3_ENDPOINT (an S3-compatible
 * store has no IAM role to fall back on); on AWS itself both may be left out, and the SDK's
 * default chain (environment, shared files, instance or task role) supplies them. Setting only
 * one of the two is always a mistake.
 */
export function s3StoreOptionsFromConfig(config: StorageConfig): S3StoreOptions {
  const bucket = config.S3_BUCKET;
  const issues = s3ConfigIssues(config);
  if (issues.length > 0 || !bucket) throw new ConfigError(issues);
  const options: S3StoreOptions = { bucket, region: config.S3_REGION, forcePathStyle: config.S3_FORCE_PATH_STYLE };
  if (config.S3_ENDPOINT !== undefined) options.endpoint = config.S3_ENDPOINT;
  if (config.CDN_BASE_URL !== undefined) options.cdnBaseUrl = config.CDN_BASE_URL;
  if (config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY) {
    options.credentials = { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY };
  }
  return options;
}

function s3ConfigIssues(config: StorageConfig): string[] {
  const issues: string[] = [];
  if (!config.S3_BUCKET) issues.push('S3_BUCKET: required when STORAGE_DRIVER=s3');
  const keysNeededBecause =
    config.S3_ENDPOINT !== undefined ? 'S3_ENDPOINT is set' : config.S3_ACCESS_KEY_ID || config.S3_SECRET_ACCESS_KEY ? 'the other access key is set' : null;
  if (keysNeededBecause === null) return issues;
  if (!config.S3_ACCESS_KEY_ID) issues.push(`S3_ACCESS_KEY_ID: required when STORAGE_DRIVER=s3 and ${keysNeededBecause}`);
  if (!config.S3_SECRET_ACCESS_KEY) issues.push(`S3_SECRET_ACCESS_KEY: required when STORAGE_DRIVER=s3 and ${keysNeededBecause}`);
  return issues;
}
