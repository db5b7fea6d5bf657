import type { FastifyInstance } from 'fastify';
import { AppError } from '@atelier/contracts';

/** Far deeper than any body the API takes (a submit is three levels), far shallower than the stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * What no route could use: nesting past MAX_JSON_DEPTH (hashing an Idempotency-Key's body
 * walks it recursively) and a NUL character in any key or string (PostgreSQL text cannot hold
 * one). Walked with an explicit stack, so the check itself cannot run out of stack.
 */
export function unstorableJsonReason(body: unknown): string | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: body, depth: 0, path: 'body' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return `${path}: contains a NUL character, which text cannot hold`;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `${path}: nested deeper than ${MAX_JSON_DEPTH} levels`;
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${path}: a key contains a NUL character, which text cannot hold`;
      stack.push({ value: child, depth: depth + 1, path: `${path}.${key}` });
    }
  }
  return null;
}

/** Every parsed JSON body is checked before validation: 400 `validation_failed` for what no route could store. */
export function rejectUnstorableJson(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const { body } = request;
    const reason = body === null || typeof body !== 'object' || Buffer.isBuffer(body) ? null : unstorableJsonReason(body);
    done(reason === null ? undefined : new AppError('validation_failed', reason));
  });
}
