import { unlinkSync } from 'node:fs';

/**
 * A missing file is an ordinary answer for a store ("no such object"), not a failure. These
 * helpers turn exactly that case into null and let every other error through.
 */

/**
 * True for the errors that mean "there is no file at that path": ENOENT, and ENOTDIR, where a
 * segment of the path is a file, so nothing can exist below it.
 */
export function isMissingFileError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The result of a file operation, or null when the file does not exist. */
export async function nullIfMissingFile<T>(operation: Promise<T>): Promise<T | null> {
  try {
    return await operation;
  } catch (error) {
    if (isMissingFileError(error)) return null;
    throw error;
  }
}

/** Removes the file if there is one: one unlink, where `rmSync(…, { force: true })` first looks at the path twice. */
export function removeFileIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isMissingFileError(error)) throw error;
  }
}
