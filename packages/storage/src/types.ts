export interface PutOptions {
  contentType: string;
  cacheControl?: string;
}

export interface StoredObject {
  key: string;
  bytes: number;
  contentType: string;
}

/**
 * Object storage for outputs. Keys are namespaced `users/{userId}/jobs/{jobId}/{file}`.
 * `put` resolves only once the object is confirmed stored.
 */
export interface ObjectStore {
  readonly driver: 'local' | 's3';
  put(key: string, data: Buffer, options: PutOptions): Promise<StoredObject>;
  head(key: string): Promise<StoredObject | null>;
  /** The object's bytes, or null when there is no such object: for a worker reading a job's input. */
  read(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
  /** A URL a browser can GET without other credentials, valid for `expiresInSeconds`. */
  signedUrl(key: string, expiresInSeconds: number): Promise<string>;
}
