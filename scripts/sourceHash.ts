import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file under `path` (itself when a file), in a fixed order; nothing when it does not exist. */
async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!info) return [];
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path)).sort();
  return (await Promise.all(entries.map((entry) => filesUnder(join(path, entry))))).flat();
}

/**
 * A hash of the names and contents of every file under `inputs`, relative to `root`: the same
 * sources give the same hash on any machine and at any time (modification times do not count,
 * so a fresh clone or a `git checkout` that changes nothing builds nothing).
 */
export async function sourceHash(root: string, inputs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const file of await filesUnder(join(root, input))) {
      hash
        .update(relative(root, file))
        .update('\0')
        .update(await readFile(file))
        .update('\0');
    }
  }
  return hash.digest('hex');
}
