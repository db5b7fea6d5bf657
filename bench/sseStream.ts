/**
 * A raw Server-Sent Events client for the benchmarks: one `http.request` and a minimal
 * parser. Much cheaper than an EventSource object, so thousands of them measure the server,
 * not the client. Also the benchmarks' JSON POST.
 */
import { Agent, request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  type: string;
  data: string;
  id: string | null;
}

export interface OpenStream {
  status: number;
  /** Resolves when the server ends the response or the connection closes. */
  ended: Promise<void>;
  close(): void;
}

export interface StreamOptions {
  headers?: Record<string, string>;
  /**
   * Where the connection comes from: a new one by default (thousands of streams open at once
   * each hold their own, as browsers' do), or `keptAlive`, the pool `postJson` uses, for a
   * client that opens a job's stream right after submitting it: browsers and `fetch` send it
   * on the submit's idle connection.
   */
  agent?: Agent;
  /** A source address on the loopback (127.0.0.2 …), to spread many connections over more ports. */
  localAddress?: string;
  onEvent?: (event: SseEvent) => void;
}

/** Opens the stream; resolves once the response headers arrive (rejects on a connection error). */
export function openStream(url: string, options: StreamOptions = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { accept: 'text/event-stream', ...options.headers },
      agent: options.agent ?? false,
      localAddress: options.localAddress,
    });
    req.once('error', reject);
    req.once('response', (response: IncomingMessage) => {
      const ended = new Promise<void>((done) => {
        response.once('end', done);
        response.once('close', done);
        response.once('error', () => done());
      });
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        if (!options.onEvent) return;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { type: 'message', data: '', id: null };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event.type = line.slice(7);
            else if (line.startsWith('data: ')) {
              event.data += (hasData ? '\n' : '') + line.slice(6);
              hasData = true;
            } else if (line.startsWith('id: ')) event.id = line.slice(4);
          }
          if (hasData) options.onEvent(event);
        }
      });
      resolve({ status: response.statusCode ?? 0, ended, close: () => req.destroy() });
    });
    req.end();
  });
}

export interface FollowedJob {
  /** The terminal status, or '' when the stream never delivered one. */
  terminal: string;
  /** Times the stream ended early and was resumed with Last-Event-ID, as an EventSource would. */
  resumes: number;
  /** The status of the first response that was not 200, if any. */
  refused: number | null;
}

/**
 * Follow one job's stream to its terminal status the way a browser's EventSource does: when
 * the server ends the stream early (it does so to make a client resume, e.g. after losing its
 * Redis catch-up), reconnect after `retryMs` with `Last-Event-ID`. Gives up after `maxResumes`.
 */
export async function followJob(
  url: string,
  options: {
    headers: Record<string, string>;
    agent?: Agent;
    onEvent?: (event: SseEvent) => void;
    retryMs?: number;
    maxResumes?: number;
    onOpen?: () => void;
    onClose?: () => void;
  },
): Promise<FollowedJob> {
  const result: FollowedJob = { terminal: '', resumes: 0, refused: null };
  let lastId: string | null = null;
  for (;;) {
    const stream = await openStream(url, {
      headers: lastId === null ? options.headers : { ...options.headers, 'last-event-id': lastId },
      agent: options.agent,
      onEvent: (event) => {
        if (event.id !== null) lastId = event.id;
        const status =
          event.type === 'status'
            ? (JSON.parse(event.data) as { status: string }).status
            : event.type === 'snapshot'
              ? (JSON.parse(event.data) as { job: { status: string } }).job.status
              : '';
        if (status === 'succeeded' || status === 'failed' || status === 'canceled') result.terminal = status;
        options.onEvent?.(event);
      },
    });
    if (stream.status !== 200) {
      stream.close();
      result.refused = stream.status;
      return result;
    }
    options.onOpen?.();
    await stream.ended;
    options.onClose?.();
    if (result.terminal !== '' || result.resumes >= (options.maxResumes ?? 5)) return result;
    result.resumes++;
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1_000));
  }
}

export const keptAlive = new Agent({ keepAlive: true });

/**
 * A JSON POST over a kept-alive `node:http` connection: what the benchmarks submit with. Node's
 * `fetch` costs the client several times the CPU (WHATWG streams), and the client shares the
 * machine with the system under test.
 */
export function postJson(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: keptAlive,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.once('error', reject);
    req.once('response', (response: IncomingMessage) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.once('error', reject);
    });
    req.end(body);
  });
}

/**
 * One image job the way a client sees it: submit, then follow its stream on the same kept-alive
 * connection to `succeeded`. Resolves with the time from the submit to the stream's end, in ms.
 */
export async function timeImageJob(baseUrl: string, headers: Record<string, string>, body: string): Promise<number> {
  const start = performance.now();
  const submitted = await postJson(`${baseUrl}/api/generate/image`, headers, body);
  if (submitted.status !== 202) throw new Error(`submit answered ${submitted.status}: ${submitted.text}`);
  const { streamUrl } = JSON.parse(submitted.text) as { streamUrl: string };
  const followed = await followJob(baseUrl + streamUrl, { headers, agent: keptAlive });
  if (followed.terminal !== 'succeeded') throw new Error(`job ended ${followed.terminal || 'without a terminal status'}`);
  return performance.now() - start;
}
