import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A file written and flushed to disk under a temporary name beside its destination. */
export interface StagedFile {
  /** Renames it into place: readers see no file, then the whole file, never a part. */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Writes `data` next to `path` (a rename is atomic only within one file system) and flushes
 * it, so a crash after the rename cannot leave an empty file. Several files can be staged at
 * once, their flushes overlapping, and committed in the order that matters. The directory
 * must exist. On failure nothing is left behind and the error is thrown on.
 */
export async function stageFile(path: string, data: Uint8Array | string): Promise<StagedFile> {
  const temporaryPath = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  const discard = () => rm(temporaryPath, { force: true });
  try {
    await writeAndFlush(temporaryPath, data);
  } catch (error) {
    await discard();
    throw error;
  }
  return { commit: () => rename(temporaryPath, path), discard };
}

async function writeAndFlush(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
