/**
 * Open-loop load from many clients: `rate` requests a second in all, evenly spaced, request i
 * sent by client i mod `clients`. Each client is one kept-alive connection, opened before the
 * clock starts, that sends one request at a time (a client still waiting on its last answer
 * queues the next). Latency is counted from when a request was due, not from when it left: a
 * stall delays every request due during it and shows in the percentiles (no coordinated
 * omission).
 *
 * autocannon's `overallRate` is no substitute: it lets each connection send its share at the
 * start of every second, in one burst, and uses only `rate` connections when that is fewer.
 */
import { Agent, request } from 'node:http';

export interface PacedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PacedResult {
  /** ms from due to answered, one per request answered. */
  latencies: number[];
  /** Answers by status; 0 counts connection errors. */
  statuses: Map<number, number>;
  /** Answers a second over the run. */
  throughput: number;
}

export async function pacedLoad(options: {
  baseUrl: string;
  clients: number;
  rate: number;
  seconds: number;
  next: (index: number) => PacedRequest;
}): Promise<PacedResult> {
  const agents = Array.from({ length: options.clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  await Promise.all(agents.map((agent) => connect(options.baseUrl, agent)));
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const started = performance.now();
  const answers: Promise<void>[] = [];

  const send = (index: number, due: number) =>
    new Promise<void>((resolve) => {
      const { method, path, headers, body } = options.next(index);
      const outgoing = request(`${options.baseUrl}${path}`, {
        method,
        agent: agents[index % options.clients],
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      });
      outgoing.once('error', () => {
        count(0);
        resolve();
      });
      outgoing.once('response', (response) => {
        response.resume();
        response.once('end', () => {
          latencies.push(performance.now() - due);
          count(response.statusCode ?? 0);
          resolve();
        });
      });
      outgoing.end(body);
    });

  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + (sent * 1000) / options.rate <= now) {
        answers.push(send(sent, started + (sent * 1000) / options.rate));
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(answers);
  const elapsed = (performance.now() - started) / 1000;
  for (const agent of agents) agent.destroy();
  return { latencies, statuses, throughput: latencies.length / elapsed };
}

/** One GET on the agent's connection, so that connection set-up is not in the first requests' latency. */
const connect = (baseUrl: string, agent: Agent) =>
  new Promise<void>((resolve, reject) => {
    request(`${baseUrl}/healthz`, { agent }, (response) => response.resume().once('end', resolve))
      .once('error', reject)
      .end();
  });
