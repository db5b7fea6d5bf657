import { type ComfyUiClient, createComfyUiClient } from './comfyui/comfyUiClient.ts';
import type { GpuInfo } from './types.ts';
import { createEsrganPool, type EsrganPool } from './upscale/esrganPool.ts';

export interface SharedEnginePartsOptions {
  /** The worker process's id: ComfyUI sends a prompt's messages to the socket of the client id that queued it. */
  clientId: string;
  /** Threads of the ESRGAN pool (UPSCALE_THREADS); unset, one per core. */
  upscaleThreads?: number;
  /** Trouble that fails no job (a cancel that did not reach ComfyUI): the worker logs it. */
  warn: (message: string, error: unknown) => void;
}

/**
 * What the engines of one worker process share: one ComfyUI client per server (ComfyUI keeps
 * one socket per client id, so two clients of one server would steal each other's messages)
 * and one ESRGAN thread pool for the ×2 and ×4 upscalers. Each is made on first use and
 * opens nothing until a job needs it; `close` ends them all at shutdown, after the last job.
 */
export interface SharedEngineParts {
  comfyUiClient(baseUrl: string): ComfyUiClient;
  /** The GPU a ComfyUI server named at start-up (`checkComfyUiModels`); null until then, or where it named none. */
  comfyUiGpu(baseUrl: string): GpuInfo | null;
  setComfyUiGpu(baseUrl: string, gpu: GpuInfo | null): void;
  esrganPool(): EsrganPool;
  close(): Promise<void>;
}

export function sharedEngineParts({ clientId, upscaleThreads, warn }: SharedEnginePartsOptions): SharedEngineParts {
  const clients = new Map<string, ComfyUiClient>();
  const gpus = new Map<string, GpuInfo | null>();
  let pool: EsrganPool | undefined;
  return {
    comfyUiClient(baseUrl) {
      const known = clients.get(baseUrl);
      if (known) return known;
      const client = createComfyUiClient({ baseUrl, clientId, warn });
      clients.set(baseUrl, client);
      return client;
    },
    comfyUiGpu: (baseUrl) => gpus.get(baseUrl) ?? null,
    setComfyUiGpu: (baseUrl, gpu) => gpus.set(baseUrl, gpu),
    esrganPool() {
      pool ??= createEsrganPool({ threads: upscaleThreads });
      return pool;
    },
    async close() {
      await Promise.all([...[...clients.values()].map((client) => client.close()), pool?.close()]);
    },
  };
}
