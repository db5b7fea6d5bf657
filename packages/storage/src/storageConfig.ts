import type { storageConfig } from '@atelier/config';
import type { z } from 'zod';

/**
 * The parsed storage settings, typed from the one schema in `@atelier/config` so that a variable
 * renamed there fails to compile here. A process's whole parsed config satisfies it.
 */
export type StorageConfig = z.output<z.ZodObject<typeof storageConfig>>;
