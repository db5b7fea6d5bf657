/**
 * Runs s3rver in a process of its own, started by `startS3Server.ts` with Node's OpenSSL
 * legacy provider: s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES, which
 * OpenSSL 3 (Node 17 and later) refuses without it, so every listing longer than one page
 * (1,000 keys) would fail with a 500. Talks to its parent over the IPC channel: it sends
 * `listening` with the port, then one `event` message per object created or removed, and it
 * stops when the parent goes away.
 */
import S3rver from 's3rver';

export type S3rverMessage = { type: 'listening'; port: number } | { type: 'event'; name: string; key: string };

const [directory, bucket] = process.argv.slice(2);
if (directory === undefined || bucket === undefined) throw new Error('usage: s3rverProcess.ts <directory> <bucket>');
if (process.send === undefined) throw new Error('s3rverProcess.ts must be started with an IPC channel');
const send = process.send.bind(process);

const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
server.on('event', (event) => {
  for (const record of event.Records) {
    // Event keys are URL-encoded, as in S3's own notifications.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    send({ type: 'event', name: record.eventName, key } satisfies S3rverMessage);
  }
});
const { port } = await server.run();
send({ type: 'listening', port } satisfies S3rverMessage);

process.on('disconnect', () => {
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`s3rver did not close: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
