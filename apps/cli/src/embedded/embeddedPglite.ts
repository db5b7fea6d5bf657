import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';

export interface EmbeddedPglite {
  /** For the API, the worker and the CLI: PGlite has one database, `postgres`. */
  url: string;
  /** Stop serving, write everything out, release the data folder. Once. */
  close(): Promise<void>;
}

export interface EmbeddedPgliteOptions {
  /** PGlite's data folder; created, and initialised on first use (that takes some 15 s). */
  dir: string;
  /** The loopback port to serve on; 0 for any free one. */
  port: number;
  /** Client connections at once, across every process. */
  maxConnections: number;
  /** PGlite itself failed (not a query): the server can serve nothing more, so `up` must stop. */
  onFailure(error: Error): void;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), run inside `atelier up`, its data in a folder,
 * served to the API, the worker and the CLI over the PostgreSQL protocol on a loopback port by
 * `@electric-sql/pglite-socket`.
 *
 * PGlite is one backend, one session: the socket server takes every connection's messages in
 * turn, and keeps a connection that is inside a transaction in charge until it ends. See
 * `oneBatchAtATime` for the one thing we change in how it takes turns.
 */
export async function startEmbeddedPglite(options: EmbeddedPgliteOptions): Promise<EmbeddedPglite> {
  await mkdir(options.dir, { recursive: true });
  const unlock = await lockDataDir(`${options.dir}.pid`, options.dir);
  // Loaded here, not at the top: every `atelier` command imports this file through `up`.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir: options.dir });
  } catch (error) {
    await unlock();
    throw new Error(`PGlite could not open its data in ${options.dir}: ${(error as Error).message}`);
  }
  const server = new PGLiteSocketServer({
    db: oneBatchAtATime(db, options.onFailure),
    host: '127.0.0.1',
    port: options.port,
    maxConnections: options.maxConnections,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    await unlock();
    const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new Error(
      taken
        ? `Port ${options.port} is taken; set EMBEDDED_DATABASE_PORT to a free one.`
        : `PGlite could not listen on port ${options.port}: ${(error as Error).message}`,
    );
  }
  let closed: Promise<void> | null = null;
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    close: () =>
      (closed ??= (async () => {
        await server.stop();
        await db.close();
        await unlock();
      })()),
  };
}

/**
 * PGlite has no lock of its own on its folder, and two of them on one folder would corrupt it:
 * a file holding our pid keeps a second `atelier up` out. One left by an `up` that was killed
 * names a process that is gone, and is taken over.
 */
async function lockDataDir(file: string, dir: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number((await readFile(file, 'utf8')).trim());
    if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
      throw new Error(
        `${dir} is in use by another atelier up (pid ${pid}): PGlite's data can be open in one process only. If no such process is an atelier up, delete ${file}.`,
      );
    }
    await rm(file, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I': ReadyForQuery's status outside a transaction
const TERMINATE = 0x58; // 'X'
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * Which backend message came last in a stream of them (a type byte, a length, a body), read
 * across the chunks PGlite hands out, and the first byte of its body.
 */
class LastBackendMessage {
  type = 0;
  firstByte = -1;
  private header: number[] = [];
  private bodyLeft = 0;
  private awaitingFirstByte = false;

  push(data: Uint8Array): void {
    let i = 0;
    while (i < data.length) {
      if (this.bodyLeft > 0) {
        if (this.awaitingFirstByte) {
          this.firstByte = data[i]!;
          this.awaitingFirstByte = false;
        }
        const taken = Math.min(this.bodyLeft, data.length - i);
        i += taken;
        this.bodyLeft -= taken;
        continue;
      }
      this.header.push(data[i++]!);
      if (this.header.length === 5) {
        const [type, b1, b2, b3, b4] = this.header as [number, number, number, number, number];
        this.header = [];
        this.type = type;
        this.bodyLeft = ((b1 << 24) | (b2 << 16) | (b3 << 8) | b4) - 4;
        this.firstByte = -1;
        this.awaitingFirstByte = this.bodyLeft > 0;
      }
    }
  }

  /** The backend is waiting for the next command, outside any transaction. */
  get idle(): boolean {
    return this.header.length === 0 && this.bodyLeft === 0 && this.type === READY_FOR_QUERY && this.firstByte === IDLE;
  }

  get readyForQuery(): boolean {
    return this.header.length === 0 && this.bodyLeft === 0 && this.type === READY_FOR_QUERY;
  }
}

/**
 * PGlite as the socket server should see it. The server (0.2.17) runs one client message at a
 * time from any connection, and keeps a connection in charge only while `isInTransaction()`
 * says so. But a query with parameters (node-postgres sends Parse, Bind, Describe, Execute,
 * Sync) is no transaction block between its messages, and the unnamed statement it parses is
 * the one session's: another connection's Parse run in between would be bound to this one's
 * parameters — wrong rows or a bind error (electric-sql/pglite issue #1046). So here a
 * connection is "in a transaction" from its first message until the backend is idle again (a
 * ReadyForQuery with status I), which keeps every batch whole.
 *
 * And when PGlite itself throws, the server's queue stops for good (it returns from its loop
 * still marked busy); `onFailure` is told, so that `up` stops rather than hangs.
 */
function oneBatchAtATime(db: PGlite, onFailure: (error: Error) => void): PGlite {
  let batchOpen = false;
  const execProtocolRawStream: PGlite['execProtocolRawStream'] = async (message, streamOptions) => {
    const last = new LastBackendMessage();
    try {
      await db.execProtocolRawStream(message, {
        ...streamOptions,
        onRawData: (data) => {
          last.push(data);
          streamOptions?.onRawData(data);
        },
      });
    } catch (error) {
      onFailure(error as Error);
      throw error;
    }
    if (last.readyForQuery) batchOpen = !last.idle;
    else if (message[0] !== TERMINATE) batchOpen = true;
  };
  // The server calls exec only to roll back for a connection that went away in the middle.
  const exec: PGlite['exec'] = async (query, execOptions) => {
    if (batchOpen) await db.runExclusive(() => db.execProtocolRaw(SYNC));
    try {
      return await db.exec(query, execOptions);
    } finally {
      batchOpen = db.isInTransaction();
    }
  };
  const isInTransaction = () => batchOpen || db.isInTransaction();
  return new Proxy(db, {
    get(target, property) {
      if (property === 'execProtocolRawStream') return execProtocolRawStream;
      if (property === 'exec') return exec;
      if (property === 'isInTransaction') return isInTransaction;
      const value: unknown = Reflect.get(target, property, target);
      // PGlite's methods use private fields: they must run on the instance, not the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
