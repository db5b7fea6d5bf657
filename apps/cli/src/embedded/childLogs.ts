import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { prettyFactory } from 'pino-pretty';

/**
 * Relay a child's log lines to `out`. The API and the worker always write JSON (what log stores
 * read); for a person at a terminal (`pretty`) each line becomes one readable line with the
 * time of day. A line that is not JSON passes through as it is.
 */
export function relayChildLogs(from: Readable, out: Writable, pretty: boolean): void {
  if (!pretty) {
    from.pipe(out, { end: false });
    return;
  }
  const format = prettyFactory({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,worker_id', singleLine: true });
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    const record = parseRecord(line);
    out.write(record ? format(record) : `${line}\n`);
  });
}

function parseRecord(line: string): object | null {
  if (!line.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? parsed : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}
