import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { lookup } from 'mime-types';
import { nullIfMissingFile, removeFileIfPresent } from './missingFile.ts';
import { stageFile, type StagedFile } from './stagedFile.ts';

/**
 * What the local-disk store remembers about an object besides its bytes. Most objects need
 * nothing kept: their content type is the one their name's extension stands for
 * (`a1-output.png`, `image/png`) and no cache control was given. Anything else is kept in a
 * sidecar file `<object>.meta.json`. So the store returns exactly what `put` was given, as S3
 * does, and no table of extensions has to be kept in step with the engines: a type the table
 * does not give is simply kept. An object without a sidecar is one file, one flush and one
 * rename less (job cycle median 7.80 → 7.23 ms in an A/B).
 */
export interface LocalObjectMetadata {
  contentType: string;
  cacheControl?: string;
}

export const METADATA_SUFFIX = '.meta.json';

export function metadataPathOf(objectPath: string): string {
  return `${objectPath}${METADATA_SUFFIX}`;
}

const contentTypeOfName = (objectPath: string): string | false => lookup(basename(objectPath));

/**
 * The sidecar, staged, when the name alone would not give this metadata back; otherwise a
 * commit that removes the sidecar an earlier object under this name may have left.
 */
export async function stageMetadata(objectPath: string, metadata: LocalObjectMetadata): Promise<StagedFile> {
  const sidecarPath = metadataPathOf(objectPath);
  if (metadata.cacheControl !== undefined || metadata.contentType !== contentTypeOfName(objectPath)) {
    return stageFile(sidecarPath, JSON.stringify(metadata));
  }
  // Runs for every output, so one unlink rather than rmSync's looks first.
  return { commit: () => removeFileIfPresent(sidecarPath), discard: () => {} };
}

/**
 * The sidecar, else what the object's name says, else null. The store writes a sidecar before
 * its object and deletes it after, so a sidecar never stands for a file that is not there yet;
 * whether the object exists is the object file's to say.
 */
export async function readMetadataOrNull(objectPath: string): Promise<LocalObjectMetadata | null> {
  const text = await nullIfMissingFile(readFile(metadataPathOf(objectPath), 'utf8'));
  if (text !== null) return parseMetadata(text, objectPath);
  const contentType = contentTypeOfName(objectPath);
  return contentType === false ? null : { contentType };
}

function parseMetadata(text: string, objectPath: string): LocalObjectMetadata {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || typeof (value as LocalObjectMetadata).contentType !== 'string') {
    throw new Error(`The metadata file of ${objectPath} has no contentType.`);
  }
  return value as LocalObjectMetadata;
}
