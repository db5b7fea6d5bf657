import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FailingFirstProxy {
  endpoint: string;
  /** How many requests were answered with 503 instead of being passed on. */
  readonly refused: number;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a real S3 server that answers the first `failures`
 * PUT requests with S3's own "503 SlowDown" and passes everything else through untouched,
 * to see the client's retry strategy at work against real failures.
 */
export async function startFailingFirstProxy(target: string, failures: number): Promise<FailingFirstProxy> {
  const upstream = new URL(target);
  let refused = 0;
  const server = createServer((incoming, outgoing) => {
    if (incoming.method === 'PUT' && refused < failures) {
      refused++;
      incoming.resume();
      outgoing.writeHead(503, { 'content-type': 'application/xml' });
      outgoing.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      return;
    }
    passOn(incoming, outgoing, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    stop: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function passOn(incoming: IncomingMessage, outgoing: ServerResponse, upstream: URL): void {
  const forwarded = request(
    { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.on('error', (error) => outgoing.destroy(error));
  incoming.pipe(forwarded);
}
