import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '@atelier/contracts';
import { assertValidLinkLifetime } from './linkLifetime.ts';
import { nullIfMissingFile } from './missingFile.ts';
import { METADATA_SUFFIX, metadataPathOf, readMetadataOrNull, stageMetadata } from './localObjectMetadata.ts';
import { assertValidObjectKey, assertValidObjectPrefix } from './objectKeyRules.ts';
import { signFileLink } from './signedFileLinks.ts';
import type { ObjectStore, PutOptions, StoredObject } from './types.ts';
import { urlForKey } from './urlForKey.ts';
import { stageFile } from './stagedFile.ts';

export interface LocalDiskStoreOptions {
  /** STORAGE_LOCAL_DIR; created on the first write. */
  directory: string;
  /** PUBLIC_URL: where the API serves `/files/*`. */
  publicUrl: string;
  /** STORAGE_SIGNING_SECRET: the API verifies links with the same secret. */
  signingSecret: string;
}

/** An object opened for the API's `/files/*` route to stream to the browser. */
export interface ObjectReadStream {
  stream: Readable;
  bytes: number;
  contentType: string;
  cacheControl: string | undefined;
}

/**
 * The embedded default: objects are files under one directory, and downloads are links to the
 * API's `/files/*` route carrying an HMAC signature and an expiry (see `signedFileLinks.ts`).
 */
export class LocalDiskStore implements ObjectStore {
  readonly driver = 'local' as const;
  private readonly root: string;

  constructor(private readonly options: LocalDiskStoreOptions) {
    this.root = resolve(options.directory);
  }

  /**
   * The object and, when it needs one (localObjectMetadata.ts), its sidecar are written and
   * flushed at once (the flushes overlap), then renamed into place, the sidecar first, so the
   * object exists with its metadata from the moment the object's rename lands. The directory
   * is made synchronously, as stagedFile.ts explains: a metadata call, not worth a thread trip.
   */
  async put(key: string, data: Buffer, options: PutOptions): Promise<StoredObject> {
    const path = this.pathOf(key);
    mkdirSync(dirname(path), { recursive: true });
    const staged = await Promise.allSettled([
      stageMetadata(path, { contentType: options.contentType, cacheControl: options.cacheControl }),
      stageFile(path, data),
    ]);
    const [metadata, object] = staged.map((result) => (result.status === 'fulfilled' ? result.value : null));
    try {
      const failed = staged.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      metadata!.commit();
      object!.commit();
    } catch (error) {
      metadata?.discard();
      object?.discard();
      throw error;
    }
    return { key, bytes: data.length, contentType: options.contentType };
  }

  async head(key: string): Promise<StoredObject | null> {
    const path = this.pathOf(key);
    const metadata = await readMetadataOrNull(path);
    if (metadata === null) return null;
    const bytes = await fileSizeOrNull(path);
    if (bytes === null) return null;
    return { key, bytes, contentType: metadata.contentType };
  }

  async read(key: string): Promise<Buffer | null> {
    const path = this.pathOf(key);
    if ((await readMetadataOrNull(path)) === null) return null;
    return nullIfMissingFile(readFile(path));
  }

  /**
   * Opens the object for reading, or throws AppError('not_found'). The size comes from the
   * opened file, so it matches the bytes streamed even if the object is replaced meanwhile.
   * The stream closes the file when it ends or is destroyed.
   */
  async openRead(key: string): Promise<ObjectReadStream> {
    const path = this.pathOf(key);
    const metadata = await readMetadataOrNull(path);
    const handle = metadata === null ? null : await nullIfMissingFile(open(path, 'r'));
    if (metadata === null || handle === null) throw new AppError('not_found', `There is no object ${key}.`);
    try {
      const { size } = await handle.stat();
      return { stream: handle.createReadStream(), bytes: size, contentType: metadata.contentType, cacheControl: metadata.cacheControl };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The object goes first, so readers stop finding it at once, then its sidecar. Absent keys are fine. */
  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(metadataPathOf(path), { force: true });
  }

  /**
   * Deletes every object whose key starts with `prefix`, as S3 does: a prefix is a string, not
   * a folder, so `users/1/jobs/a` also matches `users/1/jobs/ab/…`.
   */
  async deletePrefix(prefix: string): Promise<void> {
    assertValidObjectPrefix(prefix);
    const lastSlash = prefix.lastIndexOf('/');
    const directory = this.inRoot(prefix.slice(0, lastSlash + 1));
    const namePrefix = prefix.slice(lastSlash + 1);
    if (namePrefix === '') {
      await rm(directory, { recursive: true, force: true });
      return;
    }
    for (const entry of (await nullIfMissingFile(readdir(directory))) ?? []) {
      if (objectNameOf(entry).startsWith(namePrefix)) await rm(join(directory, entry), { recursive: true, force: true });
    }
  }

  async signedUrl(key: string, expiresInSeconds: number): Promise<string> {
    assertValidLocalKey(key);
    assertValidLinkLifetime(expiresInSeconds);
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const signature = signFileLink(key, expires, this.options.signingSecret);
    return `${urlForKey(this.options.publicUrl, `files/${key}`)}?expires=${expires}&signature=${signature}`;
  }

  private pathOf(key: string): string {
    assertValidLocalKey(key);
    return this.inRoot(key);
  }

  /** Joins a checked relative path to the root, and checks once more that it stays inside. */
  private inRoot(relativePath: string): string {
    const path = resolve(this.root, relativePath);
    if (path !== this.root && !path.startsWith(`${this.root}${sep}`)) {
      throw new AppError('bad_request', `Object path ${JSON.stringify(relativePath)} leaves the storage directory.`);
    }
    return path;
  }
}

/**
 * The shared key rules, and one more: no segment may end in `.meta.json`, which would collide
 * with the sidecar of another object.
 */
function assertValidLocalKey(key: string): void {
  assertValidObjectKey(key);
  if (key.split('/').some((segment) => segment.endsWith(METADATA_SUFFIX))) {
    throw new AppError('bad_request', `Object key ${JSON.stringify(key)} is not allowed: "${METADATA_SUFFIX}" is reserved.`);
  }
}

/** The name of the object an entry belongs to: a sidecar counts as part of its object. */
function objectNameOf(entry: string): string {
  return entry.endsWith(METADATA_SUFFIX) ? entry.slice(0, -METADATA_SUFFIX.length) : entry;
}

async function fileSizeOrNull(path: string): Promise<number | null> {
  const info = await nullIfMissingFile(stat(path));
  return info?.isFile() ? info.size : null;
}
