import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Handler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1 that a provider's official SDK talks to, with only its base
 * URL changed. The handler answers as the provider's API documents; every request is kept.
 */
export async function loopbackServer(handler: Handler) {
  const requests: ReceivedRequest[] = [];
  let handle = handler;
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request = { method: incoming.method!, path: incoming.url!, headers: incoming.headers, body: Buffer.concat(chunks) };
    requests.push(request);
    await handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Answer differently from now on. */
    answer(next: Handler) {
      handle = next;
    },
    close() {
      // A "slow" handler never answers: its connection must not keep the server open.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function sendBytes(response: ServerResponse, contentType: string, body: Buffer): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length) }).end(body);
}

/** A handler that never answers: the provider is "slow". */
export const neverAnswer: Handler = () => {};
