import { z } from 'zod';

/**
 * What a worker says of itself every few seconds (a Redis key that expires): the models it
 * serves and on what. `gpu` is filled in by engines that run on one (ComfyUI: from its
 * `/system_stats`); the local engines and the providers have none.
 */
export const WorkerAnnouncement = z.object({
  id: z.string(),
  models: z.array(z.string()),
  engines: z.array(
    z.object({
      model: z.string(),
      engine: z.string(),
      gpu: z.object({ name: z.string(), vramBytes: z.number().nullable() }).nullable(),
    }),
  ),
  /** Slots of the process: jobs it runs at once across all its models. */
  concurrency: z.number().int(),
  busy: z.number().int(),
  startedAt: z.string(),
  announcedAt: z.string(),
});
export type WorkerAnnouncement = z.infer<typeof WorkerAnnouncement>;
