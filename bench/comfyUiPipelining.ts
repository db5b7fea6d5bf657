/**
 * ComfyUI pipelining, engine level (issue 20, item 2): does submitting the next job ahead
 * (`engine.prepare`) keep ComfyUI busy while the platform finishes the current job? The
 * loopback ComfyUI takes T ms per prompt (4 sampler steps, a preview frame each); after each
 * job the "platform" spends PLATFORM_MS (a timer standing for download check, upload, row
 * writes and settlement, which wait on other machines). Three runs per T, in one process:
 * - baseline: every prompt queued at once, ComfyUI alone (duty 1.0 by construction);
 * - one at a time: generate, then the platform's work, then the next (today's worker);
 * - pipelined: the next job prepared while the current one runs, the platform's work beside.
 * Figures: ComfyUI's busy time ÷ wall time and the gap between a prompt's end and the next
 * one's start (p50, p99), from the server's own timeline; and the engine's share of the
 * preview relay (a binary frame leaving ComfyUI → `ctx.preview` called), p99.
 * Goals (pipelined): duty ≥ 0.99 at T = 1 s, ≥ 0.95 at T = 200 ms, gap p99 ≤ 20 ms; the
 * relay's engine share p99 ≤ 50 ms. Run: npx tsx bench/comfyUiPipelining.ts
 * This is the engine's half; the worker's (claiming ahead, storing beside) is issue 20 item 1.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImageParams } from '@atelier/contracts';
import { createComfyUiClient, createComfyUiEngine, type EngineContext } from '@atelier/engines';
import { comfyUiServer } from '../packages/engines/test/support/comfyUiServer.ts';
import { Floors, machineLine, median, ms, percentile } from './support.ts';

const PLATFORM_MS = Number(process.env.PLATFORM_MS ?? 150);
const runs = [
  { promptMs: 1_000, jobs: 20, dutyGoal: 0.99 },
  { promptMs: 200, jobs: 60, dutyGoal: 0.95 },
];

const workflow = JSON.parse(await readFile(new URL('../docs/comfyui/workflows/sdxl-turbo.json', import.meta.url), 'utf8'));
const bindings = { prompt: '6.inputs.text', seed: '3.inputs.seed', steps: '3.inputs.steps', width: '5.inputs.width', height: '5.inputs.height' };
const server = await comfyUiServer({ msPerPrompt: 1_000 });
const client = createComfyUiClient({ baseUrl: server.url, clientId: 'bench', warn: (message, error) => console.warn(message, error) });
const engine = createComfyUiEngine({ kind: 'image', client, workflow, bindings, output: '9' });
const floors = new Floors();
const previewCalledAt: number[] = [];
const ctx = (): EngineContext => ({
  signal: new AbortController().signal,
  progress: () => {},
  preview: async () => {
    previewCalledAt.push(performance.now());
  },
});
const input = (seed: number) => ({ prompt: 'a red fox in a snowy forest', params: ImageParams.parse({ width: 64, height: 64, steps: 4, seed }) });
const platformWork = () => sleep(PLATFORM_MS);

/** Duty and gaps of the prompts that ran since `from` in the server's timeline. */
function deviceFigures(from: number) {
  const ran = server.timeline.slice(from);
  const busy = ran.reduce((sum, prompt) => sum + (prompt.endedAt - prompt.startedAt), 0);
  const wall = ran.at(-1)!.endedAt - ran[0]!.startedAt;
  const gaps = ran.slice(1).map((prompt, index) => prompt.startedAt - ran[index]!.endedAt);
  return { duty: busy / wall, gapP50: median(gaps), gapP99: percentile(gaps, 99) };
}

async function baseline(jobs: number): Promise<void> {
  const prepared = await Promise.all(Array.from({ length: jobs }, (_, index) => engine.prepare(input(index), new AbortController().signal)));
  for (const job of prepared) await job.run(ctx());
}

async function oneAtATime(jobs: number): Promise<void> {
  for (let index = 0; index < jobs; index++) {
    await engine.generate(input(index), ctx());
    await platformWork();
  }
}

async function pipelined(jobs: number): Promise<void> {
  const beside: Promise<void>[] = [];
  let current = await engine.prepare(input(0), new AbortController().signal);
  for (let index = 0; index < jobs; index++) {
    const next = index + 1 < jobs ? engine.prepare(input(index + 1), new AbortController().signal) : undefined;
    await current.run(ctx());
    beside.push(platformWork());
    if (next) current = await next;
  }
  await Promise.all(beside);
}

console.log(`ComfyUI pipelining (engine level), platform work ${PLATFORM_MS} ms per job; ${machineLine()}`);
try {
  for (const { promptMs, jobs, dutyGoal } of runs) {
    server.behave({ msPerPrompt: promptMs });
    const figures: Record<string, ReturnType<typeof deviceFigures>> = {};
    for (const [name, run] of [
      ['baseline', baseline],
      ['one at a time', oneAtATime],
      ['pipelined', pipelined],
    ] as const) {
      const from = server.timeline.length;
      await run(jobs);
      figures[name] = deviceFigures(from);
      const { duty, gapP50, gapP99 } = figures[name];
      console.log(`T = ${promptMs} ms, ${name.padEnd(13)} duty ${duty.toFixed(3)}  gap p50 ${ms(gapP50)}  p99 ${ms(gapP99)}`);
    }
    const { duty, gapP99 } = figures.pipelined!;
    const ratio = (duty / figures.baseline!.duty).toFixed(3);
    floors.check(
      `pipelined duty at T = ${promptMs} ms`,
      duty >= dutyGoal,
      `${duty.toFixed(3)} (goal ≥ ${dutyGoal}; ${ratio}× the baseline's ${figures.baseline!.duty.toFixed(3)})`,
    );
    floors.check(`pipelined gap p99 at T = ${promptMs} ms`, gapP99 <= 20, `${ms(gapP99)} (goal ≤ 20 ms)`);
  }
  // Each preview came from the newest frame sent before it (frames are ≥ 50 ms apart, the relay far less).
  const relay = previewCalledAt.map((at) => at - server.frameSentAt.findLast((sent) => sent <= at)!);
  floors.goal(
    'preview relay, engine share',
    percentile(relay, 99) <= 50,
    `p50 ${ms(median(relay))}, p99 ${ms(percentile(relay, 99))} over ${relay.length} previews (goal p99 ≤ 50 ms end to end)`,
  );
} finally {
  await client.close();
  await server.close();
}
floors.exit();
