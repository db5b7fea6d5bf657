/**
 * A thousand users on one machine: 2 API processes, 4 worker processes (2 slots each), the
 * local engines (images 64×64 in 2 steps, 1 s videos at 96×64, short voice clips), on the
 * real PostgreSQL and Redis. 1,000 users with API keys, 20 % Pro; each user (sticky to one API
 * process, as behind a load balancer) submits a job, watches it over its SSE stream until it
 * ends (as the web app does: one stream per live job), waits, and submits again: one job every
 * MEAN_INTERVAL_S on average (exponential), the first spread over the first interval. This
 * machine has 2 cores shared with the database, Redis and the clients, so the offered rate is
 * modest (1,000 / MEAN_INTERVAL_S jobs per second).
 *
 * Reports: errors (refused submits, failed streams, jobs not succeeded: must be 0), submit p99,
 * time to the first preview p95 per kind (image: the BlurHash preview; video: the first frame;
 * voice has no picture, so its first playable output), Pro and Free wait p95 (row created → claimed),
 * open streams (peak), and the ledger check at the end: every balance equals its ledger sum,
 * every job is terminal, no user holds an active job.
 * Run: npx tsx bench/thousandUsers.ts
 */
import { TestPlatform, type TestUser } from '../test/support/platform.ts';
import { Floors, machineLine, ms, percentile, runPool } from './support.ts';
import { followJob } from './sseStream.ts';

const USERS = 1_000;
const PRO_SHARE = 0.2;
const MEAN_INTERVAL_S = 300;
const SUBMIT_WINDOW_S = 150;
const DRAIN_LIMIT_S = 60;
const MIX: { kind: 'image' | 'video' | 'voice'; share: number; body: () => unknown }[] = [
  { kind: 'image', share: 0.8, body: () => ({ prompt: `a lighthouse at dusk ${Math.random()}`, params: { width: 64, height: 64, steps: 2 } }) },
  { kind: 'video', share: 0.1, body: () => ({ prompt: 'waves on a pier', params: { seconds: 1, fps: 6, width: 96, height: 64 } }) },
  { kind: 'voice', share: 0.1, body: () => ({ prompt: 'Your picture is ready.' }) },
];

console.log(machineLine());
const platform = await TestPlatform.start({ LOG_LEVEL: 'warn' });
const floors = new Floors();
try {
  const apis = await Promise.all([platform.startApiProcess({ LOG_LEVEL: 'warn' }), platform.startApiProcess({ LOG_LEVEL: 'warn' })]);
  await Promise.all(Array.from({ length: 4 }, () => platform.startWorker({ LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '2' })));
  const users: (TestUser & { pro: boolean })[] = await runPool(USERS, 8, async (i) => {
    const pro = i < USERS * PRO_SHARE;
    return { ...(await platform.createUser({ plan: pro ? 'pro' : 'free', credits: pro ? 2_000 : 100 })), pro };
  });

  const submitTimes: number[] = [];
  const firstPreview: Record<string, number[]> = { image: [], video: [], voice: [] };
  const errors: string[] = [];
  const jobs: Record<string, number> = { image: 0, video: 0, voice: 0 };
  let openStreams = 0;
  let resumes = 0;
  let peakStreams = 0;

  const pickKind = () => {
    let r = Math.random();
    for (const entry of MIX) if ((r -= entry.share) < 0) return entry;
    return MIX[0]!;
  };
  const exponential = (mean: number) => -Math.log(1 - Math.random()) * mean;

  const runJob = async (user: (typeof users)[number], baseUrl: string) => {
    const { kind, body } = pickKind();
    const start = performance.now();
    const response = await fetch(`${baseUrl}/api/generate/${kind}`, {
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body()),
    }).catch((error: Error) => error);
    if (response instanceof Error) return void errors.push(`submit: ${response.message}`);
    submitTimes.push(performance.now() - start);
    if (response.status !== 202) return void errors.push(`submit ${kind}: ${response.status} ${(await response.text()).slice(0, 200)}`);
    jobs[kind]!++;
    const { streamUrl } = (await response.json()) as { streamUrl: string };
    let previewed = false;
    const followed = await followJob(baseUrl + streamUrl, {
      headers: user.headers,
      onOpen: () => {
        openStreams++;
        peakStreams = Math.max(peakStreams, openStreams);
      },
      onClose: () => openStreams--,
      onEvent: (event) => {
        if (event.type === 'error') errors.push(`stream ${kind}: error event ${event.data.slice(0, 200)}`);
        if (event.type === (kind === 'voice' ? 'output' : 'preview') && !previewed) {
          previewed = true;
          firstPreview[kind]!.push(performance.now() - start);
        }
      },
    }).catch((error: Error) => error);
    if (followed instanceof Error) return void errors.push(`stream ${kind}: ${followed.message}`);
    resumes += followed.resumes;
    if (followed.refused !== null) return void errors.push(`stream ${kind}: ${followed.refused}`);
    if (followed.terminal !== 'succeeded') errors.push(`job ${kind}: ended "${followed.terminal}" after ${followed.resumes} resumes`);
  };

  const started = performance.now();
  const deadline = started + SUBMIT_WINDOW_S * 1000;
  const sampler = setInterval(() => {
    const elapsed = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `  ${elapsed.padStart(3)} s: ${Object.values(jobs).reduce((a, b) => a + b, 0)} jobs submitted, ${openStreams} streams open, ${errors.length} errors`,
    );
  }, 15_000);
  const sleepUntil = (time: number) => new Promise((r) => setTimeout(r, Math.max(0, Math.min(time, deadline) - performance.now())));
  await Promise.all(
    users
      .map(async (user, i) => {
        const baseUrl = apis[i % apis.length]!.baseUrl;
        let next = started + Math.random() * MEAN_INTERVAL_S * 1000;
        for (;;) {
          await sleepUntil(next);
          if (performance.now() >= deadline) return;
          await runJob(user, baseUrl);
          next = performance.now() + exponential(MEAN_INTERVAL_S * 1000);
        }
      })
      .map((loop) => Promise.race([loop, new Promise((r) => setTimeout(r, (SUBMIT_WINDOW_S + DRAIN_LIMIT_S) * 1000))])),
  );
  clearInterval(sampler);
  const elapsed = (performance.now() - started) / 1000;
  if (openStreams > 0) errors.push(`${openStreams} streams still open ${DRAIN_LIMIT_S} s after the last submit`);

  const total = Object.values(jobs).reduce((a, b) => a + b, 0);
  console.log(
    `${USERS} users (${USERS * PRO_SHARE} Pro), 2 API + 4 worker processes × 2 slots, one job per user every ${MEAN_INTERVAL_S} s on average ` +
      `(${(USERS / MEAN_INTERVAL_S).toFixed(1)} jobs/s offered) for ${SUBMIT_WINDOW_S} s; ran ${elapsed.toFixed(0)} s`,
  );
  console.log(
    `  jobs: ${total} (image ${jobs.image}, video ${jobs.video}, voice ${jobs.voice}); peak open streams ${peakStreams}; ` +
      `streams resumed with Last-Event-ID after an early end ${resumes}`,
  );
  console.log(`  submit: p50 ${ms(percentile(submitTimes, 50))} p99 ${ms(percentile(submitTimes, 99))}`);
  for (const kind of ['image', 'video', 'voice'] as const) {
    const what = kind === 'voice' ? 'first output (no picture)' : 'first preview';
    console.log(
      `  ${kind}: ${what} p50 ${ms(percentile(firstPreview[kind]!, 50))} p95 ${ms(percentile(firstPreview[kind]!, 95))} (${firstPreview[kind]!.length} jobs)`,
    );
  }
  // Waits from the rows themselves: created (the submit's commit) to the first claim.
  const { rows: waitRows } = await platform.pool.query<{ plan: string; wait: number }>(
    `SELECT u.plan, extract(epoch FROM j.started_at - j.created_at) * 1000 AS wait
     FROM generation_jobs j JOIN users u ON u.id = j.user_id WHERE j.started_at IS NOT NULL`,
  );
  const waits = (plan: string) => waitRows.filter((r) => r.plan === plan).map((r) => Number(r.wait));
  console.log(
    `  wait (row created → first claimed): Pro p50 ${ms(percentile(waits('pro'), 50))} p95 ${ms(percentile(waits('pro'), 95))} | ` +
      `Free p50 ${ms(percentile(waits('free'), 50))} p95 ${ms(percentile(waits('free'), 95))}`,
  );
  for (const error of [...new Set(errors)].slice(0, 10)) console.log(`  error: ${error}`);
  floors.check('errors = 0', errors.length === 0, `${errors.length}`);

  // The ledger, after every job has ended.
  const {
    rows: [ledger],
  } = await platform.pool.query<{ users: number; off: number; unfinished: number; active: number }>(
    `SELECT (SELECT count(*)::int FROM users) AS users,
            (SELECT count(*)::int FROM users u
              WHERE u.credits <> (SELECT coalesce(sum(amount), 0) FROM credit_transactions t WHERE t.user_id = u.id)) AS off,
            (SELECT count(*)::int FROM generation_jobs WHERE status NOT IN ('succeeded', 'failed', 'canceled')) AS unfinished,
            (SELECT count(*)::int FROM users WHERE active_jobs <> 0) AS active`,
  );
  console.log(
    `  ledger: ${ledger!.users} users, ${ledger!.off} balances differ from their ledger sum; ${ledger!.unfinished} jobs not terminal; ${ledger!.active} users with active jobs left`,
  );
  floors.check('every balance equals its ledger sum', ledger!.off === 0, `${ledger!.off} differ`);
  floors.check(
    'every job terminal',
    ledger!.unfinished === 0 && ledger!.active === 0,
    `${ledger!.unfinished} not terminal, ${ledger!.active} users with active jobs`,
  );
} finally {
  await platform.stop();
}
console.log(machineLine());
floors.exit();
