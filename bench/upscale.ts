/**
 * The ESRGAN upscaler (issue 20, benchmark 3): milliseconds per output megapixel for ×4
 * upscales of 256², 512² and 1024² pictures, through the engine with one thread and with two,
 * against the bare model in this process on the same tiles (baseline/bareEsrgan.ts).
 * Interleaved (bare, one, two, two, one, bare) so that all three see the same machine; 512²
 * and 1024² run once (bare, one, two) to stay within five minutes. Goals: the engine on one
 * thread within 1.15× the bare model, two threads at least 1.7× as fast as one.
 *
 *   npx tsx bench/upscale.ts
 */
import sharp from 'sharp';
import { ImageParams } from '@atelier/contracts';
import { createEsrganEngine, createEsrganPool, createLocalImageEngine, type EsrganPool } from '@atelier/engines';
import { DEFAULT_TILE_SIDE, OVERLAP } from '../packages/engines/src/upscale/esrganEngine.ts';
import { loadBareEsrgan } from './baseline/bareEsrgan.ts';
import { Floors, machineLine } from './support.ts';

const SCALE = 4;
const SIDES = [256, 512, 1024];
/** Rounds of the interleaved order per side; the largest gets one to keep the run short. */
const roundsOf = (side: number) => (side >= 512 ? 1 : 2);
const MAX_ENGINE_RATIO = 1.15;
const MIN_TWO_THREAD_SPEEDUP = 1.7;

const quietContext = () => ({ signal: new AbortController().signal, progress: () => {}, preview: async () => {} });

async function pictureOf(side: number): Promise<{ png: Buffer; rgb: { data: Uint8Array; width: number; height: number } }> {
  const params = ImageParams.parse({ width: side, height: side, steps: 4, seed: side });
  const [file] = await createLocalImageEngine().generate({ prompt: 'misty mountains over a lake at dawn', params }, quietContext());
  const { data, info } = await sharp(file!.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { png: file!.data, rgb: { data: new Uint8Array(data), width: info.width, height: info.height } };
}

/** Wall time, and the CPU this process (all its threads) used meanwhile: cpu ÷ wall is the cores it had. */
async function timed(work: () => unknown): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await work();
  const { user, system } = process.cpuUsage(cpuBefore);
  return { wall: performance.now() - started, cpu: (user + system) / 1000 };
}

console.log(machineLine());
const bare = await loadBareEsrgan(SCALE, DEFAULT_TILE_SIDE, OVERLAP);
const pools: Record<'one' | 'two', EsrganPool> = { one: createEsrganPool({ threads: 1 }), two: createEsrganPool({ threads: 2 }) };
const engines = {
  one: createEsrganEngine({ scale: SCALE, pool: pools.one }),
  two: createEsrganEngine({ scale: SCALE, pool: pools.two }),
};
const runEngine = (which: 'one' | 'two', png: Buffer, side: number) =>
  engines[which].generate(
    { prompt: '', params: ImageParams.parse({}), inputs: { image: { data: png, contentType: 'image/png', width: side, height: side } } },
    quietContext(),
  );

// Warm up: every thread loads its weights, and the bare model runs once.
const warm = await pictureOf(64);
bare(warm.rgb);
await runEngine('one', warm.png, 64);
await Promise.all([runEngine('two', warm.png, 64), runEngine('two', warm.png, 64)]);

const floors = new Floors();
const started = performance.now();
for (const side of SIDES) {
  const { png, rgb } = await pictureOf(side);
  const megapixels = (side * SCALE) ** 2 / 1e6;
  const totals = { bare: { wall: 0, cpu: 0 }, one: { wall: 0, cpu: 0 }, two: { wall: 0, cpu: 0 } };
  const rounds = roundsOf(side);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['bare', 'one', 'two'] as const) : (['two', 'one', 'bare'] as const);
    for (const which of order) {
      const { wall, cpu } = await timed(() => (which === 'bare' ? bare(rgb) : runEngine(which, png, side)));
      totals[which].wall += wall;
      totals[which].cpu += cpu;
    }
  }
  const perMegapixel = { bare: totals.bare.wall / rounds / megapixels, one: totals.one.wall / rounds / megapixels, two: totals.two.wall / rounds / megapixels };
  const coresHad = (which: keyof typeof totals) => (totals[which].cpu / totals[which].wall).toFixed(2);
  const engineRatio = perMegapixel.one / perMegapixel.bare;
  const speedup = perMegapixel.one / perMegapixel.two;
  console.log(
    `${side}² → ${side * SCALE}² (${megapixels.toFixed(2)} MP, ${rounds} round${rounds > 1 ? 's' : ''}): ` +
      `bare model ${perMegapixel.bare.toFixed(0)} ms/MP, engine 1 thread ${perMegapixel.one.toFixed(0)} ms/MP, 2 threads ${perMegapixel.two.toFixed(0)} ms/MP; ` +
      `cores this process had (CPU ÷ wall): ${coresHad('bare')}, ${coresHad('one')}, ${coresHad('two')}`,
  );
  floors.check(`${side}² engine on one thread ÷ bare model`, engineRatio <= MAX_ENGINE_RATIO, `${engineRatio.toFixed(2)}× (goal ≤ ${MAX_ENGINE_RATIO}×)`);
  floors.check(`${side}² two threads against one`, speedup >= MIN_TWO_THREAD_SPEEDUP, `${speedup.toFixed(2)}× as fast (goal ≥ ${MIN_TWO_THREAD_SPEEDUP}×)`);
}
console.log(`measured in ${((performance.now() - started) / 1000).toFixed(0)} s; ${machineLine()}`);
await Promise.all([pools.one.close(), pools.two.close()]);
floors.exit();
