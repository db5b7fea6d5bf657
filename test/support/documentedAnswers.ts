import { apiRoutes, documentedErrorCodes, ErrorAnswer, fastifyPath, type ApiRoute } from '@atelier/contracts';

/** `/api/jobs/{id}` → a pattern for `/api/jobs/<uuid>`; a rest-of-path parameter (`/files/{key}`) holds slashes. */
const routePatterns = apiRoutes.map((route) => ({
  route,
  pattern: new RegExp(`^${fastifyPath(route).replace(/:\w+/g, '[^/]+').replace('*', '.+')}$`),
}));

export function documentedRoute(method: string, pathname: string): ApiRoute | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  return routePatterns.find(({ route, pattern }) => route.method === wanted && pattern.test(pathname))?.route;
}

/**
 * Throws when an answer is not what `/api/openapi.json` documents for its route: an
 * undocumented route or status, an error code the route does not list, or a JSON body that
 * does not match the answer's schema (the same zod schema the document is generated from).
 */
export async function assertDocumented(method: string, url: string, response: Response): Promise<void> {
  await assertDocumentedAnswer(method, url, response.status, response.headers, () => response.json());
}

/** The same, reading the body (`json`) only when there is JSON to check. */
async function assertDocumentedAnswer(method: string, url: string, status: number, headers: Headers, json: () => Promise<unknown>): Promise<void> {
  const { pathname } = new URL(url);
  const route = documentedRoute(method, pathname);
  if (!route) throw new Error(`${method} ${pathname} is not in the API's route table (packages/contracts/src/apiRoutes.ts)`);
  const where = `${method} ${route.path} → ${status}`;
  if (status >= 400) {
    // A sign-in refusal shown to a browser: the page carries no code to check.
    if (route.errorPages && (headers.get('content-type') ?? '').startsWith('text/html')) return;
    const body = ErrorAnswer.safeParse(await json());
    if (!body.success) throw new Error(`${where}: the error body does not match the documented Error: ${body.error.message}`);
    if (!documentedErrorCodes(route).includes(body.data.error.code))
      throw new Error(`${where}: the code ${body.data.error.code} is not documented for this route`);
    return;
  }
  const answer = route.answers[status];
  if (!answer) throw new Error(`${where}: this status is not documented`);
  const contentType = headers.get('content-type') ?? '';
  if (answer.contentType && !contentType.startsWith(answer.contentType) && answer.contentType !== 'application/octet-stream') {
    throw new Error(`${where}: answered ${contentType}, documented ${answer.contentType}`);
  }
  if (!answer.body || answer.contentType) return;
  const body = answer.body.safeParse(await json());
  if (!body.success) throw new Error(`${where}: the body does not match its documented schema: ${body.error.message}`);
}

/**
 * fetch, and every answer checked against the API's document before the caller sees it. For
 * the typed client in tests (`new AtelierClient({ fetch: documentedFetch })`) and the tests'
 * own requests. Redirects are not followed, so a documented 302 is seen as one.
 */
export const documentedFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const response = await fetch(request, { redirect: 'manual' });
  // Cloned only for a JSON body: a teed event stream would not close until both copies were read.
  await assertDocumentedAnswer(request.method, request.url, response.status, response.headers, () => response.clone().json());
  return response;
};
