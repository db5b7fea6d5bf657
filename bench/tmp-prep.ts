import { readFileSync } from 'node:fs';
import pg from 'pg';
import { TestPlatform } from '../test/support/platform.ts';
import { claimJob, completeJob, insertJobWithReservation } from '@atelier/db';
const platform = await TestPlatform.start({ IMAGE_ENGINE: 'instant' });
const cpuOf = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
try {
  const user = await platform.createUser({ plan: 'pro', credits: 100_000_000 });
  const client = new pg.Client({ connectionString: platform.env.DATABASE_URL });
  await client.connect();
  const { rows: [{ pid }] } = await client.query('select pg_backend_pid() as pid');
  const named = (q: any, name: string) => ({ query: (text: any, values?: any) => client.query(typeof text === 'string' ? { name: name + text.length, text, values } : text) });
  for (const mode of ['unnamed', 'named', 'unnamed', 'named']) {
    const db: any = mode === 'named' ? named(client, 'n') : client;
    const c0 = cpuOf(pid); const t0 = performance.now();
    for (let i = 0; i < 400; i++) {
      const job = await insertJobWithReservation(db, { userId: user.user.id, kind: 'image', prompt: 'x', params: { width: 8, height: 8 }, priority: 1, cost: 1, maxActiveJobs: 100000 });
      if (typeof job === 'string') throw new Error(job);
      await claimJob(db, job.id, 'w1');
      await completeJob(db, job.id, 'w1', { storageKey: 'k', posterKey: null, contentType: 'image/png', bytes: 1, width: 8, height: 8, durationSeconds: null, blurhash: 'x', peaks: null });
    }
    console.log(mode.padEnd(8), 'backend CPU ms/job', ((cpuOf(pid) - c0) / 400).toFixed(2), 'wall ms/job', ((performance.now() - t0) / 400).toFixed(2));
  }
  await client.end();
} finally { await platform.stop(); }
