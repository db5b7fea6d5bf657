import { randomUUID } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, rmSync, writeFile } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const writeToDescriptor = promisify(writeFile);
const flushDescriptor = promisify(fsync);

/** A file written and flushed to disk under a temporary name beside its destination. */
export interface StagedFile {
  /** Renames it into place: readers see no file, then the whole file, never a part. */
  commit(): void;
  discard(): void;
}

/**
 * Writes `data` next to `path` (a rename is atomic only within one file system) and flushes
 * it, so a crash after the rename cannot leave an empty file. Several files can be staged at
 * once, their flushes overlapping, and committed in the order that matters. The directory
 * must exist. On failure nothing is left behind and the error is thrown on.
 *
 * Only the write and the flush, which can wait on the device, go to the thread pool. Opening,
 * renaming and closing change metadata only and take microseconds on a local file system
 * (at worst half a millisecond on the development machine's virtual disk), so they are made
 * synchronously: each trip to the thread pool costs two thread wake-ups, and on a busy machine
 * a wake-up costs more than these calls (two trips in place of five: job cycle median 8.55 →
 * 7.83 ms; docs/performance.md). Not for a network file system.
 */
export async function stageFile(path: string, data: Uint8Array | string): Promise<StagedFile> {
  const temporaryPath = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  const descriptor = openSync(temporaryPath, 'wx');
  // Closed exactly once, whichever of commit and discard (or both) runs: a descriptor closed
  // twice may by then number another file of this process.
  let open = true;
  const close = () => {
    if (open) closeSync(descriptor);
    open = false;
  };
  const discard = () => {
    close();
    rmSync(temporaryPath, { force: true });
  };
  try {
    await writeToDescriptor(descriptor, data);
    await flushDescriptor(descriptor);
  } catch (error) {
    discard();
    throw error;
  }
  return {
    commit: () => {
      renameSync(temporaryPath, path);
      close();
    },
    discard,
  };
}
