import { pino, type Logger } from 'pino';

/**
 * The one shape of every process's log lines: JSON, one per line, the time as ISO 8601 (read
 * by people and by log stores alike). `atelier up` makes them readable at a terminal; nothing
 * here depends on where they go.
 */
export function createLogger(name: string, level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ name, level, base: { pid: process.pid, ...bindings }, timestamp: pino.stdTimeFunctions.isoTime });
}
