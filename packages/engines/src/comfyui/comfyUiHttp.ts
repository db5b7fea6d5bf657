import { callProvider } from '../providers/callProvider.ts';
import { comfyUiFailure, comfyUiStatusFailure, promptRefused, provider } from './comfyUiFailure.ts';
import { type ApiWorkflow, ObjectInfo, PromptHistory, PromptQueue, PromptRefusal, QueuedPrompt, type SavedFile, SystemStats } from './comfyUiProtocol.ts';

export interface ComfyUiHttpOptions {
  baseUrl: string;
  /** How long one request may take before the server counts as unavailable. */
  requestTimeoutMs?: number;
}

export type ComfyUiHttp = ReturnType<typeof comfyUiHttp>;

/**
 * ComfyUI's HTTP routes, each one call under a deadline of its own. A refused connection, a
 * missed deadline or a 5xx is `provider_unavailable` (retryable); a refused workflow is
 * `engine_failed` with ComfyUI's words.
 */
export function comfyUiHttp({ baseUrl, requestTimeoutMs = 30_000 }: ComfyUiHttpOptions) {
  const root = baseUrl.replace(/\/+$/, '');
  /** One request, its body read under the same deadline: a server that stalls mid-body is as unavailable as one that never answers. */
  const call = <T>(signal: AbortSignal, path: string, init: { method?: string; json?: unknown }, read: (response: Response) => Promise<T>) =>
    callProvider({ provider, signal, timeoutMs: requestTimeoutMs, classify: comfyUiFailure }, async (deadline) => {
      const body = init.json === undefined ? {} : { body: JSON.stringify(init.json), headers: { 'content-type': 'application/json' } };
      return read(await fetch(`${root}${path}`, { method: init.method ?? 'GET', signal: deadline, ...body }));
    });
  const ok = async (response: Response): Promise<Response> => {
    if (!response.ok) throw comfyUiStatusFailure(response.status, await response.text());
    return response;
  };
  const json = (signal: AbortSignal, path: string, init: { method?: string; json?: unknown } = {}): Promise<unknown> =>
    call(signal, path, init, async (response) => (await ok(response)).json());
  const post = (signal: AbortSignal, path: string, body: unknown): Promise<void> =>
    call(signal, path, { method: 'POST', json: body }, async (response) => {
      await (await ok(response)).arrayBuffer();
    });

  return {
    baseUrl: root,

    /** Queue a workflow under our own prompt id, so that its messages are ours before the answer comes. */
    async submit(signal: AbortSignal, body: { prompt: ApiWorkflow; client_id: string; prompt_id: string }) {
      return call(signal, '/prompt', { method: 'POST', json: body }, async (response) => {
        if (response.status === 400) throw promptRefused(PromptRefusal.parse(await response.json()));
        return QueuedPrompt.parse(await (await ok(response)).json());
      });
    },
    async history(signal: AbortSignal, promptId: string) {
      return PromptHistory.parse(await json(signal, `/history/${encodeURIComponent(promptId)}`))[promptId];
    },
    async view(signal: AbortSignal, file: SavedFile): Promise<Buffer> {
      const query = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type });
      return call(signal, `/view?${query}`, {}, async (response) => Buffer.from(await (await ok(response)).arrayBuffer()));
    },
    /** Where a prompt is: running, still waiting, or neither (finished, or never known). */
    async placeOf(signal: AbortSignal, promptId: string): Promise<'running' | 'pending' | 'gone'> {
      const queue = PromptQueue.parse(await json(signal, '/queue'));
      if (queue.queue_running.some((entry) => entry[1] === promptId)) return 'running';
      if (queue.queue_pending.some((entry) => entry[1] === promptId)) return 'pending';
      return 'gone';
    },
    /** Interrupts only this prompt (servers before targeted interrupts stop whatever runs: `placeOf` asks first). */
    async interrupt(signal: AbortSignal, promptId: string): Promise<void> {
      await post(signal, '/interrupt', { prompt_id: promptId });
    },
    async deleteQueued(signal: AbortSignal, promptId: string): Promise<void> {
      await post(signal, '/queue', { delete: [promptId] });
    },
    async objectInfo(signal: AbortSignal) {
      return ObjectInfo.parse(await json(signal, '/object_info'));
    },
    async systemStats(signal: AbortSignal) {
      return SystemStats.parse(await json(signal, '/system_stats'));
    },
  };
}
