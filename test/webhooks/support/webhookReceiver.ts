import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  /** Wait this long before answering (past the sender's deadline, a timeout). */
  delayMs?: number;
}

/**
 * A webhook receiver on loopback, as a customer would run one: it records every POST and
 * answers as its path's script says (one answer per request, the last one repeated).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private server: Server | null = null;

  private constructor(public port: number) {}

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(0);
    await receiver.listen();
    return receiver;
  }

  /** A URL of its own for one test, answered by `answers` in turn (default: 200). */
  url(path: string, answers: Answer[] = [{ status: 200 }]): string {
    this.scripts.set(`/${path}`, [...answers]);
    return `http://127.0.0.1:${this.port}/${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((request) => request.path === `/${path}`);
  }

  /** Down: connections are refused until `listen()` again, on the same port. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const script = this.scripts.get(path) ?? [];
        const answer = (script.length > 1 ? script.shift() : script[0]) ?? { status: 404 };
        setTimeout(() => response.writeHead(answer.status).end(`answer ${answer.status}`), answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }
}

/** The payload, as the reference implementation of Standard Webhooks verifies it (throws when it does not). */
export function verified(secret: string, request: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
  return new Webhook(secret).verify(request.body, headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}
