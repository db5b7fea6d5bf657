import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { JobError } from '@atelier/contracts';
import { providerUnreachable } from '../providers/providerFailure.ts';
import { provider } from './comfyUiFailure.ts';
import { SocketMessage } from './comfyUiProtocol.ts';
import { type PreviewFrame, previewFrameOf } from './previewFrame.ts';

/** What one prompt hears from the socket. */
export interface PromptListener {
  message(message: SocketMessage): void;
  /** A sampling preview, sent while this prompt ran. */
  preview(frame: PreviewFrame): void;
  /** The socket came back after a drop: what happened meanwhile is in `/history`. */
  reconnected(): void;
  /** The socket did not come back: the server is gone. */
  lost(error: JobError): void;
}

export interface ComfyUiSocketOptions {
  baseUrl: string;
  clientId: string;
  /** How long opening the socket may take. */
  connectTimeoutMs: number;
  /** How long a dropped socket is retried before the prompts it served fail as unavailable. */
  reconnectGiveUpMs: number;
  warn: (message: string, error: unknown) => void;
}

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 1_000;

/**
 * The one WebSocket of a client id. ComfyUI keeps one socket per client id (a second one
 * with the same id replaces the first), so every engine on one server shares this. Text
 * messages go to the prompt they name; binary previews carry no prompt id, so they go to the
 * prompt ComfyUI said it is running. A drop is retried with backoff while prompts listen.
 */
export function comfyUiSocket({ baseUrl, clientId, connectTimeoutMs, reconnectGiveUpMs, warn }: ComfyUiSocketOptions) {
  const url = `${baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/ws?clientId=${encodeURIComponent(clientId)}`;
  const listeners = new Map<string, PromptListener>();
  let opening: Promise<WebSocket> | undefined;
  /** The socket that opened last; only its close is a drop (one that never opened is the reconnect loop's to retry). */
  let current: WebSocket | undefined;
  let running: string | undefined;
  let closed = false;

  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: connectTimeoutMs });
      socket.once('open', () => {
        if (closed) {
          socket.terminate();
          reject(new Error('the client closed while its socket opened'));
          return;
        }
        current = socket;
        resolve(socket);
      });
      // Before it opens, an error fails the opening; after, the close that follows is the drop to handle.
      socket.on('error', (error) => (current === socket ? warn('ComfyUI socket error', error) : reject(error)));
      socket.on('message', (data, isBinary) => (isBinary ? onBinary(data as Buffer) : onText(data.toString())));
      socket.once('close', () => {
        if (current !== socket) return;
        current = undefined;
        opening = undefined;
        running = undefined;
        if (!closed && listeners.size > 0) void reconnect();
      });
    });

  const connect = (): Promise<WebSocket> => {
    if (closed) return Promise.reject(providerUnreachable(provider, 'the client is closed'));
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw providerUnreachable(provider, `its socket ${url} did not open: ${(error as Error).message}`, error);
    });
    return opening;
  };

  async function reconnect(): Promise<void> {
    const giveUpAt = performance.now() + reconnectGiveUpMs;
    let wait = RECONNECT_FIRST_MS;
    let failure: JobError | undefined;
    while (!closed && listeners.size > 0 && performance.now() < giveUpAt) {
      await sleep(wait);
      wait = Math.min(wait * 2, RECONNECT_MAX_MS);
      try {
        await connect();
        for (const listener of [...listeners.values()]) listener.reconnected();
        return;
      } catch (error) {
        failure = error as JobError;
      }
    }
    const lost = failure ?? providerUnreachable(provider, 'its socket closed');
    for (const listener of [...listeners.values()]) listener.lost(lost);
  }

  function onText(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      warn('ComfyUI sent a text message that is not JSON', error);
      return;
    }
    const message = SocketMessage.safeParse(parsed);
    // Messages of other types (status, progress_state, crystools…) are not about a prompt's life.
    if (!message.success) return;
    const { type, data } = message.data;
    const ended =
      type === 'execution_success' || type === 'execution_error' || type === 'execution_interrupted' || (type === 'executing' && data.node === null);
    if (!ended) running = data.prompt_id;
    else if (running === data.prompt_id) running = undefined;
    listeners.get(data.prompt_id)?.message(message.data);
  }

  function onBinary(data: Buffer): void {
    const frame = previewFrameOf(data);
    if (frame && running !== undefined) listeners.get(running)?.preview(frame);
  }

  return {
    /** Resolves once the socket is open: a prompt is submitted only then, so none of its messages is missed. */
    async ready(): Promise<void> {
      await connect();
    },
    listen(promptId: string, listener: PromptListener): () => void {
      listeners.set(promptId, listener);
      return () => listeners.delete(promptId);
    },
    async close(): Promise<void> {
      closed = true;
      const socket = current;
      current = undefined;
      opening = undefined;
      socket?.terminate();
    },
  };
}

export type ComfyUiSocket = ReturnType<typeof comfyUiSocket>;
