import { z } from 'zod';
import { AppError, type ErrorCode } from '@atelier/contracts';

/** A route id that is not a UUID names nothing: 404, as for a missing or foreign one. */
export function parseId(value: unknown, notFound: ErrorCode): string {
  const parsed = z.string().uuid().safeParse(value);
  if (!parsed.success) throw new AppError(notFound);
  return parsed.data;
}

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
