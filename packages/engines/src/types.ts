import type { JobKind, ParamsOf } from '@atelier/contracts';

export interface EngineInput<K extends JobKind> {
  prompt: string;
  params: ParamsOf<K>;
  /** Files the job takes in, decoded enough to know their size (the upscaler's picture). */
  inputs?: { image?: { data: Buffer; contentType: string; width: number; height: number } };
}

/**
 * An early picture of the result: the worker turns it into a BlurHash and, for a video's first
 * frame or a sampling step, stores it and sends its URL.
 */
export interface PreviewImage {
  data: Buffer;
  contentType: 'image/png' | 'image/jpeg';
  /** The size of the result previewed, for the browser to reserve; `data` may be a smaller picture of it. */
  width: number;
  height: number;
  /** True for a video's frame 0: the worker stores it and sends its URL. */
  isFirstFrame?: boolean;
  /**
   * True for a picture of the result while a model samples it, one of many: `data` is a small
   * JPEG, which the worker stores and sends with a `url`, so a person watches the picture form.
   */
  isSamplingStep?: boolean;
}

export interface EngineContext {
  /** Aborted on cancel, timeout or shutdown; an engine stops promptly and throws. */
  signal: AbortSignal;
  /** Percent 0–100, called after each unit of work. Cheap: it is not awaited. */
  progress(percent: number, stage?: string): void;
  /** Awaited: the worker stores and announces the preview before the engine goes on. */
  preview(image: PreviewImage): Promise<void>;
}

export interface GeneratedFile {
  role: 'output' | 'poster';
  data: Buffer;
  contentType: string;
  extension: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  /** Voice: a waveform summary, peak amplitudes 0–1, for the web app to draw. */
  peaks?: number[];
}

/** A generation already handed to its device's own queue (see `Engine.prepare`). */
export interface PreparedGeneration {
  /** Follows the generation to its files; as `generate` does, with the job's context from now on. */
  run(ctx: EngineContext): Promise<GeneratedFile[]>;
  /** Takes it back out of the device's queue (or stops it): for a job that will not `run` after all. */
  discard(): Promise<void>;
}

export interface GpuInfo {
  name: string;
  vramBytes: number | null;
}

export interface Engine<K extends JobKind = JobKind> {
  readonly kind: K;
  readonly name: string;
  /**
   * The device it runs on, where the engine knows it (ComfyUI: the GPU its `/system_stats`
   * names); absent for the local engines and the providers. Announced by the worker and
   * written to each attempt's history.
   */
  gpu?(): GpuInfo | null;
  generate(input: EngineInput<K>, ctx: EngineContext): Promise<GeneratedFile[]>;
  /**
   * Engines whose device keeps a queue of its own (ComfyUI) submit ahead: the worker prepares
   * the next job while the current one runs, so the device goes from one to the next without
   * waiting on our downloads and bookkeeping. `generate(input, ctx)` is `prepare` then `run`.
   */
  prepare?(input: EngineInput<K>, signal: AbortSignal): Promise<PreparedGeneration>;
}
