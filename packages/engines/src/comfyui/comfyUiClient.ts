import { comfyUiHttp, type ComfyUiHttp } from './comfyUiHttp.ts';
import { comfyUiSocket, type ComfyUiSocket } from './comfyUiSocket.ts';

export interface ComfyUiClientOptions {
  /** Where ComfyUI listens, e.g. `http://127.0.0.1:8188`. */
  baseUrl: string;
  /** One per worker process: ComfyUI sends a prompt's messages to the socket of the client id that queued it. */
  clientId: string;
  /** How long one HTTP request (or opening the socket) may take before the server counts as unavailable. Default 30 s. */
  requestTimeoutMs?: number;
  /** How long a dropped socket is retried before the prompts it served fail as unavailable (retryable). Default 15 s. */
  reconnectGiveUpMs?: number;
  /** Trouble that fails no job (a cancel that did not reach the server, a malformed message): the worker logs it. */
  warn: (message: string, error: unknown) => void;
}

export interface ComfyUiClient {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly http: ComfyUiHttp;
  readonly socket: ComfyUiSocket;
  readonly warn: ComfyUiClientOptions['warn'];
  /** Closes the socket; at shutdown, after the last job. */
  close(): Promise<void>;
}

/**
 * One ComfyUI server as one worker process sees it: its HTTP routes and its one WebSocket.
 * Every engine (catalog model) on the same server shares one client: ComfyUI keeps a single
 * socket per client id, and a second connection with the same id would take the first's messages.
 */
export function createComfyUiClient({ baseUrl, clientId, requestTimeoutMs = 30_000, reconnectGiveUpMs = 15_000, warn }: ComfyUiClientOptions): ComfyUiClient {
  const http = comfyUiHttp({ baseUrl, requestTimeoutMs });
  const socket = comfyUiSocket({ baseUrl: http.baseUrl, clientId, connectTimeoutMs: requestTimeoutMs, reconnectGiveUpMs, warn });
  return { baseUrl: http.baseUrl, clientId, http, socket, warn, close: () => socket.close() };
}
