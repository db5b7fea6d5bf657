/**
 * Media benchmark: time from submit to the first-frame `preview` event and to `output`, for
 * 2 s and 10 s videos (local engine), p50 and p95 over 20 runs each, on the real stack.
 * Floor: first frame p95 < 5 s (aim < 1 s). Run: npx tsx bench/videoPreview.ts
 */
import { TestPlatform } from '../test/support/platform.ts';
import { Floors, median, ms, percentile } from './support.ts';

const RUNS = 20;
const platform = await TestPlatform.start({ WORKER_CONCURRENCY: '1' });
const floors = new Floors();
try {
  await platform.startWorker({ LOG_LEVEL: 'warn' });
  const user = await platform.createUser({ plan: 'pro', credits: 100_000 });
  const headers = { ...user.headers, 'content-type': 'application/json' };

  for (const seconds of [2, 10]) {
    const firstFrame: number[] = [];
    const output: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      const body = JSON.stringify({ prompt: `a harbour at night ${run}`, params: { seconds, fps: 12, width: 320, height: 240 } });
      const submitted = await fetch(`${platform.baseUrl}/api/generate/video`, { method: 'POST', headers, body });
      const { streamUrl } = (await submitted.json()) as { streamUrl: string };
      const stream = await fetch(platform.baseUrl + streamUrl, { headers: user.headers });
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of stream.body!) {
        text += decoder.decode(chunk, { stream: true });
        if (firstFrame.length === run && text.includes('event: preview')) firstFrame.push(performance.now() - start);
        if (text.includes('event: output')) {
          output.push(performance.now() - start);
          break;
        }
      }
    }
    console.log(
      `${seconds} s video, ${RUNS} runs: first frame p50 ${ms(median(firstFrame))} p95 ${ms(percentile(firstFrame, 95))}; output p50 ${ms(median(output))} p95 ${ms(percentile(output, 95))}`,
    );
    floors.check(`${seconds} s video: first frame p95 < 5 s`, percentile(firstFrame, 95) < 5_000, ms(percentile(firstFrame, 95)));
  }
} finally {
  await platform.stop();
}
floors.exit();
