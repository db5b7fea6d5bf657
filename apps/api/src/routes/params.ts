import { z } from 'zod';
import { AppError, type ErrorCode } from '@atelier/contracts';

// Built once: a zod schema costs more to build than to check a value with (2 % of the API's
// CPU in a job-cycle profile when this was built per request).
const Id = z.string().uuid();

/** A route id that is not a UUID names nothing: 404, as for a missing or foreign one. */
export function parseId(value: unknown, notFound: ErrorCode): string {
  const parsed = Id.safeParse(value);
  if (!parsed.success) throw new AppError(notFound);
  return parsed.data;
}

export { PageQuery } from '@atelier/contracts';
