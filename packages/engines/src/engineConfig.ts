import type { z } from 'zod';
import type { engineConfig } from '@atelier/config';

/** The part of a process's configuration that chooses and sets up engines. */
export type EngineConfig = z.infer<z.ZodObject<typeof engineConfig>>;
