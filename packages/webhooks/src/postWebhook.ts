import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { WebhookAttempt } from '@atelier/db';
import { AddressRefusedError, bareHost, guardedLookup, isCallableAddress } from './addressPolicy.ts';

/** The first 1 KB of an answer is kept with the attempt; the rest is not read. */
export const RESPONSE_KEPT_BYTES = 1024;

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  agents: WebhookAgents;
}

/** Kept-alive connections per process: a receiver taking many events pays one handshake. */
export interface WebhookAgents {
  http: http.Agent;
  https: https.Agent;
}

export const createWebhookAgents = (): WebhookAgents => ({ http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) });

/**
 * One POST, never redirected (Node's client does not follow them), within `timeoutMs` from
 * the first byte sent to the last byte kept. What happened is the result, never a throw:
 * an answer's status and first 1 KB, or `timeout`, `connection: …` or `refused: …` (an address webhooks do not call).
 */
export function postWebhook(url: URL, headers: Record<string, string>, body: string, options: PostOptions): Promise<WebhookAttempt> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const host = bareHost(url);
  if (!options.allowPrivate && isIP(host) && !isCallableAddress(host)) {
    return Promise.resolve({ statusCode: null, durationMs: 0, response: null, error: `refused: ${host} is not a public address` });
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = (attempt: Omit<WebhookAttempt, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...attempt, durationMs: elapsed() });
    };
    const signal = AbortSignal.timeout(options.timeoutMs);
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: 'POST',
        agent: url.protocol === 'https:' ? options.agents.https : options.agents.http,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Atelier-Webhooks/1' },
        lookup: options.allowPrivate ? undefined : guardedLookup,
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const answered = () =>
          settle({ statusCode: response.statusCode ?? null, response: Buffer.concat(chunks).subarray(0, RESPONSE_KEPT_BYTES).toString('utf8'), error: null });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          kept += chunk.length;
          if (kept < RESPONSE_KEPT_BYTES) return;
          answered();
          response.destroy();
        });
        response.on('end', answered);
        // The status came: an answer cut short (or past the deadline) mid-body is still that answer.
        response.on('error', answered);
      },
    );
    request.on('error', (error: Error) => settle({ statusCode: null, response: null, error: errorOf(error, signal) }));
    request.end(body);
  });
}

function errorOf(error: Error, signal: AbortSignal): string {
  if (error instanceof AddressRefusedError) return `refused: ${error.message}`;
  if (signal.aborted) return 'timeout';
  return `connection: ${(error as NodeJS.ErrnoException).code ?? error.message}`;
}
