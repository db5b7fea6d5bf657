import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type ObjectIdentifier,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertValidLinkLifetime } from './linkLifetime.ts';
import { assertValidObjectKey, assertValidObjectPrefix } from './objectKeyRules.ts';
import type { ObjectStore, PutOptions, StoredObject } from './types.ts';
import { urlForKey } from './urlForKey.ts';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible stores (MinIO, R2, s3rver…); unset means AWS itself. */
  endpoint?: string;
  forcePathStyle: boolean;
  /** Unset means the SDK's default chain (environment, shared files, IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** When set, download URLs are `${cdnBaseUrl}/${key}` instead of presigned S3 URLs. */
  cdnBaseUrl?: string;
  /** Tries per request, the first included. */
  maxAttempts?: number;
}

/** Keys are unique per job and never rewritten, so browsers and CDNs may keep them for a year. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Uploads above this size go as a multipart upload in parts of this size (S3's minimum part is
 * 5 MiB); smaller ones as one PUT.
 */
export const MULTIPART_PART_BYTES = 8 * 1024 * 1024;

/**
 * Failed requests are retried by the SDK's "standard" strategy: exponential backoff with jitter
 * on throttling, 5xx and network errors, at most this many tries per request. Each part of a
 * multipart upload is its own request, so a failed part is resent alone. Retrying is safe
 * because bodies are Buffers (a stream could not be read twice).
 */
const DEFAULT_MAX_ATTEMPTS = 5;

/** Objects in S3 or any S3-compatible store, through the AWS SDK. */
export class S3Store implements ObjectStore {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly cdnBaseUrl: string | undefined;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.cdnBaseUrl = options.cdnBaseUrl;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryMode: 'standard',
    });
  }

  /** Resolves once a HEAD confirms the object is there with every byte sent. */
  async put(key: string, data: Buffer, options: PutOptions): Promise<StoredObject> {
    assertValidObjectKey(key);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: data,
        ContentType: options.contentType,
        CacheControl: options.cacheControl ?? IMMUTABLE_CACHE_CONTROL,
      },
      partSize: MULTIPART_PART_BYTES,
      queueSize: 4,
      // Abort a failed multipart upload so that its parts are not kept (and billed) forever.
      leavePartsOnError: false,
    });
    await upload.done();
    return this.confirmStored(key, data.length);
  }

  async head(key: string): Promise<StoredObject | null> {
    assertValidObjectKey(key);
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      if (answer.ContentLength === undefined) throw new Error(`S3 answered HEAD ${key} without a Content-Length.`);
      // Objects written by other tools may have no type; S3 itself then calls them octet streams.
      return { key, bytes: answer.ContentLength, contentType: answer.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(key: string): Promise<Buffer | null> {
    assertValidObjectKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!answer.Body) throw new Error(`S3 answered GET ${key} without a body.`);
      return Buffer.from(await answer.Body.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** Deleting an absent key succeeds, as in S3 itself. */
  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Lists the prefix page by page (up to 1,000 keys, the most one DeleteObjects takes) and deletes each page. */
  async deletePrefix(prefix: string): Promise<void> {
    assertValidObjectPrefix(prefix);
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      const objects = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
      if (objects.length > 0) await this.deleteBatch(objects);
    }
  }

  /**
   * A presigned GET valid for `expiresInSeconds` (at most 7 days, SigV4's limit), or the CDN
   * URL when a CDN fronts the bucket. CDN URLs do not expire: objects behind the CDN are
   * public and immutable, and any access control is the CDN's to enforce.
   */
  async signedUrl(key: string, expiresInSeconds: number): Promise<string> {
    assertValidObjectKey(key);
    assertValidLinkLifetime(expiresInSeconds);
    if (this.cdnBaseUrl !== undefined) return urlForKey(this.cdnBaseUrl, key);
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }

  /** Closes the client's pooled connections; for shutdown. */
  destroy(): void {
    this.client.destroy();
  }

  private async confirmStored(key: string, bytesSent: number): Promise<StoredObject> {
    const stored = await this.head(key);
    if (stored === null) throw new Error(`Uploaded ${key} to S3, but a HEAD right after does not find it.`);
    if (stored.bytes !== bytesSent) {
      throw new Error(`Uploaded ${bytesSent} bytes to ${key} in S3, but a HEAD right after reports ${stored.bytes}.`);
    }
    return stored;
  }

  /** DeleteObjects answers 200 even when some keys fail; those failures are in `Errors`. */
  private async deleteBatch(objects: ObjectIdentifier[]): Promise<void> {
    const answer = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }));
    const failures = answer.Errors ?? [];
    if (failures.length > 0) {
      const first = failures[0];
      throw new Error(`S3 did not delete ${failures.length} of ${objects.length} objects; first ${first?.Key}: ${first?.Code} ${first?.Message}`);
    }
  }
}

/** HEAD answers carry no body, so the status code is the only reliable sign of "no such key". */
function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404;
}
