import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface Mount {
  /** URL prefix, e.g. `/` or `/app/`. */
  prefix: string;
  dir: string;
  /** Serve index.html for paths that are not files (a single-page app's routes). */
  spaFallback?: boolean;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * A tiny static file server for browser tests: mounts folders under URL prefixes; `handle`
 * may answer a request first (return true when it did). Anything else is a plain 404.
 */
export async function startStaticServer(mounts: Mount[], handle?: Handler): Promise<StaticServer> {
  const server = createServer((req, res) => {
    void respond(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (handle?.(req, res)) return;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const mount = mounts.filter((m) => path === m.prefix.replace(/\/$/, '') || path.startsWith(m.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (!mount) return notFound(res);

    const relative = path.slice(mount.prefix.length) || 'index.html';
    const file = normalize(join(mount.dir, relative));
    if (file !== mount.dir && !file.startsWith(mount.dir + sep)) return notFound(res);

    let target = file;
    const info = await statIfExists(target);
    if (info?.isDirectory()) target = join(target, 'index.html');
    else if (!info) {
      if (!mount.spaFallback || extname(relative)) return notFound(res);
      target = join(mount.dir, 'index.html');
    }
    if (!(await statIfExists(target))) return notFound(res);
    const body = await readFile(target);
    res.writeHead(200, { 'content-type': types[extname(target)] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function statIfExists(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found');
}
