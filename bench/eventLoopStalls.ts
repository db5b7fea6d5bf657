/**
 * How long each kind of job blocks the worker's event loop at once. BullMQ renews a job's lock
 * from a timer on that loop: a stall longer than the gap between a renewal and the lock's end
 * (WORKER_LOCK_DURATION_MS / 2, 2.5 s by default) loses the job to another worker although
 * this one is alive. Runs every local engine at its largest or most blocking params, then the
 * worker's own steps on what it made (output check, placeholder), in this process, while a
 * timer ticking every 5 ms records the longest gap between ticks and perf_hooks'
 * monitorEventLoopDelay the delay distribution. Baseline: the same timer with the loop idle.
 * Floor: the longest stall of any job ≤ a tenth of the renewal margin (250 ms).
 * Run: npx tsx bench/eventLoopStalls.ts
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobKind } from '@atelier/contracts';
import { createLocalImageEngine, createLocalVideoEngine, createLocalVoiceEngine, type Engine, type GeneratedFile, type PreviewImage } from '@atelier/engines';
import { placeholderOf, validateOutput } from '@atelier/media';
import { Floors, machineLine } from './support.ts';

const RENEWAL_MARGIN_MS = 2_500;
const TICK_MS = 5;

interface Stalls {
  longestGapMs: number;
  p99DelayMs: number;
  maxDelayMs: number;
}

/** Runs `work` while measuring the loop; returns the longest tick gap beyond the tick itself. */
async function measure(work: () => Promise<unknown>): Promise<Stalls> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  histogram.enable();
  try {
    await work();
  } finally {
    histogram.disable();
    clearInterval(ticker);
  }
  return { longestGapMs: longestGap, p99DelayMs: histogram.percentile(99) / 1e6, maxDelayMs: histogram.max / 1e6 };
}

async function runJob<K extends JobKind>(engine: Engine<K>, params: unknown, prompt: string): Promise<void> {
  const previews: PreviewImage[] = [];
  const files: GeneratedFile[] = await engine.generate(
    { prompt, params: params as never },
    {
      signal: new AbortController().signal,
      progress: () => {},
      preview: async (image) => {
        previews.push(image);
        await placeholderOf(image.data);
      },
    },
  );
  const signal = new AbortController().signal;
  for (const file of files) {
    if (file.role === 'output') await validateOutput(file, { width: file.width, height: file.height, durationSeconds: file.durationSeconds }, signal);
    else await placeholderOf(file.data);
  }
}

const sentence = 'The lighthouse keeper counted the ships that passed in the night, one by one. ';
const cases: { name: string; run: () => Promise<void> }[] = [
  {
    name: 'image 1024×1024, 1 step (all detail in one step)',
    run: () => runJob(createLocalImageEngine(), { width: 1024, height: 1024, steps: 1, seed: 1 }, 'a stormy sea'),
  },
  { name: 'image 1024×1024, 12 steps', run: () => runJob(createLocalImageEngine(), { width: 1024, height: 1024, steps: 12, seed: 1 }, 'a stormy sea') },
  {
    name: 'video 1024×1024, 10 s at 6 fps (the widest pan)',
    run: () => runJob(createLocalVideoEngine(), { width: 1024, height: 1024, seconds: 10, fps: 6, seed: 1 }, 'a pan over ridges'),
  },
  {
    name: 'voice, a 2,000-character prompt',
    run: () => runJob(createLocalVoiceEngine(), { voice: 'en', speed: 1, format: 'mp3' }, sentence.repeat(26).slice(0, 2_000)),
  },
];

console.log(machineLine());
const idle = await measure(() => sleep(2_000));
console.log(`idle loop, 2 s: longest gap ${idle.longestGapMs.toFixed(1)} ms, delay p99 ${idle.p99DelayMs.toFixed(1)} ms`);
const floors = new Floors();
let worst = 0;
for (const { name, run } of cases) {
  const started = performance.now();
  const stalls = await measure(run);
  worst = Math.max(worst, stalls.longestGapMs);
  console.log(
    `${name}: ${((performance.now() - started) / 1000).toFixed(1)} s of work; longest stall ${stalls.longestGapMs.toFixed(1)} ms ` +
      `(idle ${idle.longestGapMs.toFixed(1)} ms, ${(stalls.longestGapMs / Math.max(idle.longestGapMs, 1)).toFixed(1)}×), ` +
      `delay p99 ${stalls.p99DelayMs.toFixed(1)} ms, max ${stalls.maxDelayMs.toFixed(1)} ms`,
  );
}
floors.check(
  'longest event-loop stall of any job',
  worst <= RENEWAL_MARGIN_MS / 10,
  `${worst.toFixed(1)} ms = ${(worst / RENEWAL_MARGIN_MS).toFixed(3)}× the lock's renewal margin (${RENEWAL_MARGIN_MS} ms); floor 0.1×`,
);
floors.exit();
