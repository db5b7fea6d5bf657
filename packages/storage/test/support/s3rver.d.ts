// s3rver ships no types (and @types/s3rver lacks its `event` emitter): only what the tests use.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    port?: number;
    address?: string;
    silent?: boolean;
    directory?: string;
    configureBuckets?: Array<{ name: string }>;
  }

  /** An S3 event notification, emitted for each object created or removed. */
  interface S3rverEvent {
    Records: Array<{ eventName: string; s3: { object: { key: string } } }>;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    on(name: 'event', listener: (event: S3rverEvent) => void): this;
  }
}
