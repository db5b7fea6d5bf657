import { comfyUiHttp } from './comfyUiHttp.ts';

export interface ComfyUiServerDescription {
  /** ComfyUI's version, where the server says it. */
  version?: string;
  /** Its devices as PyTorch names them, e.g. "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync". */
  devices: Array<{ name: string; type: string; vramTotalBytes?: number; vramFreeBytes?: number }>;
}

/** What a worker announces about the ComfyUI it drives: from `GET /system_stats`. */
export async function describeComfyUiServer(
  baseUrl: string,
  { signal, requestTimeoutMs }: { signal?: AbortSignal; requestTimeoutMs?: number } = {},
): Promise<ComfyUiServerDescription> {
  const stats = await comfyUiHttp({ baseUrl, requestTimeoutMs }).systemStats(signal ?? new AbortController().signal);
  return {
    version: stats.system.comfyui_version,
    devices: stats.devices.map((device) => ({ name: device.name, type: device.type, vramTotalBytes: device.vram_total, vramFreeBytes: device.vram_free })),
  };
}
