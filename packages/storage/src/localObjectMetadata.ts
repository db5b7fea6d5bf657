import { readFile } from 'node:fs/promises';
import { nullIfMissingFile } from './missingFile.ts';
import { stageFile, type StagedFile } from './stagedFile.ts';

/**
 * What the local-disk store remembers about an object besides its bytes, kept in a sidecar file
 * `<object>.meta.json`. A sidecar, not a guess from the file extension, because it returns
 * exactly the content type `put` was given, as S3 does: the two drivers then answer alike,
 * and no table of extensions has to be kept in step with what the engines produce.
 */
export interface LocalObjectMetadata {
  contentType: string;
  cacheControl?: string;
}

export const METADATA_SUFFIX = '.meta.json';

export function metadataPathOf(objectPath: string): string {
  return `${objectPath}${METADATA_SUFFIX}`;
}

export function stageMetadata(objectPath: string, metadata: LocalObjectMetadata): Promise<StagedFile> {
  return stageFile(metadataPathOf(objectPath), JSON.stringify(metadata));
}

/**
 * The sidecar, or null when it does not exist. The store writes the sidecar before the object
 * and deletes it after the object, so a missing sidecar means the object is absent or being
 * deleted, never that an existing object lost its metadata.
 */
export async function readMetadataOrNull(objectPath: string): Promise<LocalObjectMetadata | null> {
  const text = await nullIfMissingFile(readFile(metadataPathOf(objectPath), 'utf8'));
  return text === null ? null : parseMetadata(text, objectPath);
}

function parseMetadata(text: string, objectPath: string): LocalObjectMetadata {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || typeof (value as LocalObjectMetadata).contentType !== 'string') {
    throw new Error(`The metadata file of ${objectPath} has no contentType.`);
  }
  return value as LocalObjectMetadata;
}
