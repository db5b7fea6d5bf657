import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toAppError } from '../plugins/errorHandler.ts';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);

/** A browser navigating asks for HTML first; fetch and curl ask for anything (`*\/*`) and get the JSON error. */
const wantsHtml = (request: FastifyRequest) => /^\s*text\/html/i.test(request.headers.accept ?? '');

function page(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Atelier</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}a{color:#4b3fc4}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/auth/google">Try again</a> · <a href="/">Home</a></p></body>
</html>
`;
}

/**
 * The error handler of the sign-in routes. A person's browser lands on them, so a refusal
 * (an address another login holds, an unverified email, an expired attempt) is a page they
 * can read; other callers get the JSON error every route gives.
 */
export function signInErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'sign-in failed');
  reply.status(appError.status).header('cache-control', 'no-store');
  if (!wantsHtml(request)) return reply.send(appError.toBody());
  return reply.type('text/html; charset=utf-8').send(page("Couldn't sign you in", appError.message));
}
