import { AtelierClient } from '@atelier/client';
import type { TestPlatform, TestUser } from './platform.ts';
import { documentedFetch } from './documentedAnswers.ts';

export interface ReceivedEvent {
  type: string;
  /** The stream id ('' for a snapshot). */
  id: string;
  data: Record<string, unknown>;
}

/** The typed client as a test user, every answer checked against the API's document. */
export const clientFor = (platform: TestPlatform, user: TestUser) =>
  new AtelierClient({ baseUrl: platform.baseUrl, apiKey: user.apiKey, fetch: documentedFetch });

/**
 * A job's events through the client's `stream()` until the terminal status, or until `until`
 * says stop (the connection is closed then), or until `timeoutMs` passes (a failure).
 */
export async function collectEvents(
  client: AtelierClient,
  jobId: string,
  options: { lastEventId?: string; until?: (event: ReceivedEvent, all: ReceivedEvent[]) => boolean; timeoutMs?: number } = {},
): Promise<ReceivedEvent[]> {
  const received: ReceivedEvent[] = [];
  const signal = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  for await (const { id, event } of client.stream(jobId, { lastEventId: options.lastEventId, signal })) {
    const entry = { type: event.type, id, data: event as unknown as Record<string, unknown> };
    received.push(entry);
    if (options.until?.(entry, received)) break;
  }
  return received;
}
