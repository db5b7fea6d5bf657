import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** host:pid:suffix — the suffix tells apart two processes that reuse a pid (containers). */
export const makeWorkerId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
