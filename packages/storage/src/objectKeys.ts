import { AppError } from '@atelier/contracts';
import { assertValidObjectKey, assertValidObjectPrefix } from './objectKeyRules.ts';

/**
 * Where a job's files live: `users/{userId}/jobs/{jobId}/{fileName}`. Grouping by user then job
 * lets one prefix delete a job's files, or all of a user's files when the account is removed.
 */
export function jobObjectKey(userId: string, jobId: string, fileName: string): string {
  assertNoSlash('fileName', fileName);
  const key = `${jobPrefix(userId, jobId)}${fileName}`;
  assertValidObjectKey(key);
  return key;
}

/**
 * The prefix of every file of one job. It ends with `/` so that the prefix of job `1` does not
 * also match the files of job `10`.
 */
export function jobPrefix(userId: string, jobId: string): string {
  assertNoSlash('userId', userId);
  assertNoSlash('jobId', jobId);
  const prefix = `users/${userId}/jobs/${jobId}/`;
  assertValidObjectPrefix(prefix);
  return prefix;
}

/** Where a person's uploaded picture lives: `users/{userId}/uploads/{assetId}.{extension}`. */
export function uploadObjectKey(userId: string, assetId: string, extension: string): string {
  assertNoSlash('userId', userId);
  assertNoSlash('assetId', assetId);
  const key = `users/${userId}/uploads/${assetId}.${extension}`;
  assertValidObjectKey(key);
  return key;
}

/** A `/` inside one part would silently move the file into another user's or job's folder. */
function assertNoSlash(name: string, value: string): void {
  if (value.includes('/')) throw new AppError('bad_request', `${name} must not contain "/": ${JSON.stringify(value)}.`);
}
