import type { ReceivedEvent } from './sseClient.ts';

export interface FollowedStream {
  events: (ReceivedEvent & { via: string })[];
  /** Responses that ended (or failed) before the terminal event, each followed by a reconnect. */
  reconnects: number;
  /** The `retry:` values the server sent, in order. */
  retryHints: number[];
}

const isTerminal = (event: ReceivedEvent) => event.type === 'status' && ['succeeded', 'failed', 'canceled'].includes(event.data.status as string);

/**
 * A job stream read as a browser behind a load balancer would: when a response ends before
 * the terminal event, or a server cannot be reached, it waits the server's `retry:` and
 * reconnects to the next of `baseUrls`, sending the last id it saw as Last-Event-ID. Parses
 * the raw SSE text, so what the server sent is what the test sees.
 */
export async function followStream(
  baseUrls: string[],
  path: string,
  headers: Record<string, string>,
  options: { timeoutMs?: number; onEvent?: (event: ReceivedEvent) => void } = {},
): Promise<FollowedStream> {
  const result: FollowedStream = { events: [], reconnects: 0, retryHints: [] };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastId: string | null = null;
  let retryMs = 100;
  for (let turn = 0; Date.now() < deadline; turn++) {
    const base = baseUrls[turn % baseUrls.length]!;
    const done = await readOnce(base, lastId).catch(() => false);
    if (done) return result;
    result.reconnects++;
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  throw new Error(`stream did not end in time; saw ${result.events.map((e) => e.type).join(',')}`);

  async function readOnce(base: string, after: string | null): Promise<boolean> {
    const response = await fetch(base + path, {
      headers: { ...headers, accept: 'text/event-stream', ...(after ? { 'last-event-id': after } : {}) },
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let type = 'message';
        let id = '';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'retry') {
            retryMs = Number(value);
            result.retryHints.push(retryMs);
          } else if (field === 'event') type = value;
          else if (field === 'id') id = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length === 0) continue;
        if (id) lastId = id;
        const event = { type, id, data: JSON.parse(data.join('\n')) as Record<string, unknown>, via: base };
        result.events.push(event);
        options.onEvent?.(event);
        if (isTerminal(event)) return true;
      }
    }
    return false;
  }
}
