import { access } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { ApiServices } from '../services.ts';

/** Vite and Astro put content-hashed files here: a new build gives them new names. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (the HTML above all) is checked with the server on every use (ETag, 304). */
const REVALIDATE = 'no-cache';

interface Site {
  name: string;
  /** URL prefix without a trailing slash ('' for the landing page at the root). */
  prefix: string;
  dir: string;
  /** Folder of `dir` whose files have hashed names. */
  hashedDir: string;
  /** Extension-less paths that are not files get index.html (client-side routes). */
  spaFallback: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

function notBuilt(reply: FastifyReply, site: Site) {
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Atelier: not built</title>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>The ${site.name} is not built</h1>
<p>This API serves <code>${site.dir}</code>, and there is no <code>index.html</code> there.</p>
<p>Run <code>npm run build</code> at the repository root (<code>npm start</code> does it for you), then reload.</p>
<p>The API itself is running: <a href="/healthz">/healthz</a>.</p>`;
  return reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

/**
 * The built landing page at `/` (with its `/_astro/*` files) and the web app at `/app`, with
 * client-side routes (`/app/gallery`) answered by the app's index.html. Hashed files are cached
 * for a year, HTML never without asking. One catch-all route, so any GET no other route takes
 * lands here, and what is not a file of either build is the API's JSON 404.
 */
export function staticRoutes(services: ApiServices) {
  const { WEB_DIST_DIR, LANDING_DIST_DIR } = services.config;
  const sites: Site[] = [
    { name: 'web app', prefix: '/app', dir: WEB_DIST_DIR, hashedDir: 'assets', spaFallback: true },
    { name: 'landing page', prefix: '', dir: LANDING_DIST_DIR, hashedDir: '_astro', spaFallback: false },
  ];

  return async (app: FastifyInstance) => {
    for (const site of sites) {
      if (!(await exists(join(site.dir, 'index.html')))) {
        services.log.warn({ dir: site.dir }, `the ${site.name} is not built; its pages will say so (run npm run build)`);
      }
    }
    const hashedDirs = sites.map((site) => join(site.dir, site.hashedDir) + sep);
    // Only reply.sendFile: the routes are ours. Cache headers go on files actually sent, never on a 404.
    await app.register(fastifyStatic, {
      serve: false,
      cacheControl: false,
      setHeaders: (reply, file) => reply.header('cache-control', hashedDirs.some((dir) => file.startsWith(dir)) ? IMMUTABLE : REVALIDATE),
    });

    app.get('*', async (request: FastifyRequest, reply: FastifyReply) => {
      const pathname = decodePath(request.url);
      if (pathname === null) return reply.callNotFound();
      const site = sites.find((s) => s.prefix === '' || pathname === s.prefix || pathname.startsWith(`${s.prefix}/`))!;
      const path = pathname.slice(site.prefix.length) || '/';

      const wantsPage = path.endsWith('/') || (site.spaFallback && extname(path) === '');
      if (wantsPage) {
        if (!(await exists(join(site.dir, 'index.html')))) return notBuilt(reply, site);
        // A directory's own index.html (landing), or the app's for any client-side route.
        const file = site.spaFallback ? '/index.html' : `${path}index.html`;
        return reply.sendFile(file, site.dir);
      }
      // A missing file (or a path outside the folder) becomes the API's JSON 404 inside sendFile.
      return reply.sendFile(path, site.dir);
    });
  };
}

/** The URL's path, percent-decoded; null when it does not decode. */
function decodePath(url: string): string | null {
  const query = url.indexOf('?');
  try {
    return decodeURIComponent(query === -1 ? url : url.slice(0, query));
  } catch {
    return null;
  }
}
