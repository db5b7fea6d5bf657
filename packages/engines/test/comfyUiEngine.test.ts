import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImageParams, VideoParams } from '@atelier/contracts';
import { validateOutput } from '@atelier/media';
import { checkComfyUiWorkflow, createComfyUiClient, createComfyUiEngine, describeComfyUiServer, type ComfyUiClient } from '../src/index.ts';
import { comfyUiServer } from './support/comfyUiServer.ts';
import { failureOf } from './support/failureOf.ts';
import { recordingContext, settleTimed } from './support/recordingContext.ts';

/** The example the docs ship, exactly as an operator would use it. */
const workflow = JSON.parse(await readFile(new URL('../../../docs/comfyui/workflows/sdxl-turbo.json', import.meta.url), 'utf8'));
const bindings = { prompt: '6.inputs.text', seed: '3.inputs.seed', steps: '3.inputs.steps', width: '5.inputs.width', height: '5.inputs.height' };

let server: Awaited<ReturnType<typeof comfyUiServer>>;
let client: ComfyUiClient;
const warnings: string[] = [];
beforeAll(async () => {
  server = await comfyUiServer({ msPerPrompt: 200 });
  client = createComfyUiClient({ baseUrl: server.url, clientId: 'worker-test', requestTimeoutMs: 2_000, warn: (message) => warnings.push(message) });
});
afterEach(async () => {
  await server.idle();
  server.behave({ msPerPrompt: 200 });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const engine = () => createComfyUiEngine({ kind: 'image', client, workflow, bindings, output: '9', name: 'comfyui/sdxl-turbo' });
const input = (params: Record<string, unknown> = {}) => ({
  prompt: 'a red fox in a snowy forest',
  params: ImageParams.parse({ width: 96, height: 64, steps: 4, seed: 42, ...params }),
});
const promptIdOf = (index = -1) => server.submitted.at(index)!.prompt_id!;

describe('ComfyUI engine', () => {
  it('streams sampling previews before its output and returns the saved picture at the asked size', async () => {
    server.behave({ msPerPrompt: 2_000 });
    const recording = recordingContext();
    const [file] = await engine().generate(input({ steps: 8 }), recording.ctx);

    const previews = recording.previews();
    expect(previews.length).toBeGreaterThanOrEqual(3);
    for (const { image } of previews) {
      expect(image).toMatchObject({ contentType: 'image/jpeg', isSamplingStep: true, width: 96, height: 64 });
      expect((await sharp(image.data).metadata()).format).toBe('jpeg');
    }
    // Every preview went out before the job was done: the last report is 100, after them all.
    expect(recording.events.at(-1)).toMatchObject({ type: 'progress', percent: 100 });
    const percents = recording.progress();
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(file).toMatchObject({ role: 'output', contentType: 'image/png', width: 96, height: 64 });
    const { width, height, format } = await sharp(file!.data).metadata();
    expect({ width, height, format }).toEqual({ width: 96, height: 64, format: 'png' });
    expect(server.log).toContain(`GET /view`);
  });

  it('binds the prompt and params into a copy of the workflow and queues it under its client id', async () => {
    await engine().generate(input({ steps: 3, seed: 7 }), recordingContext().ctx);
    const sent = server.submitted.at(-1)!;
    expect(sent.client_id).toBe('worker-test');
    expect(sent.prompt['6']!.inputs).toMatchObject({ text: 'a red fox in a snowy forest', clip: ['4', 1] });
    expect(sent.prompt['3']!.inputs).toMatchObject({ seed: 7, steps: 3, cfg: 1, sampler_name: 'euler_ancestral', model: ['4', 0] });
    expect(sent.prompt['5']!.inputs).toEqual({ width: 96, height: 64, batch_size: 1 });
    expect(sent.prompt['7']).toEqual(workflow['7']);
    // The model's workflow serves every job: it is never written to.
    expect(workflow['6'].inputs.text).toBe('');
  });

  it('keeps the picture at the workflow’s own size when the model’s params set none', async () => {
    const recording = recordingContext();
    const [file] = await engine().generate({ prompt: 'a fox', params: { seed: 3, steps: 2 } as ImageParams }, recording.ctx);
    expect(server.submitted.at(-1)!.prompt['5']!.inputs).toMatchObject({ width: 512, height: 512 });
    expect(file).toMatchObject({ width: 512, height: 512, contentType: 'image/png' });
    expect(recording.previews()[0]!.image).toMatchObject({ width: 64, height: 64 });
  });

  it('reads /history after its socket drops mid-prompt, and still returns the picture', async () => {
    server.behave({ msPerPrompt: 400, dropSocketAtStep: 1 });
    const [file] = await engine().generate(input(), recordingContext().ctx);
    expect(file!.width).toBe(96);
    const id = promptIdOf();
    const dropped = server.log.indexOf(`dropped socket ${id}`);
    expect(dropped).toBeGreaterThan(-1);
    expect(server.log.indexOf(`GET /history/${id}`)).toBeGreaterThan(dropped);
  });

  it('counts a prompt the server forgot in a restart as unavailable, to be retried', async () => {
    server.behave({ msPerPrompt: 400, dropSocketAtStep: 1, restart: true });
    const failure = await failureOf(engine().generate(input(), recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(failure.message).toContain(`no longer knows prompt ${promptIdOf()}`);
  });

  it('interrupts its prompt when the job is canceled while it runs', async () => {
    server.behave({ msPerPrompt: 5_000 });
    const recording = recordingContext({ abortOn: (event) => event.type === 'progress' && event.percent > 0 });
    const { error } = await settleTimed(engine().generate(input({ steps: 8 }), recording.ctx));
    expect(error).toBe(recording.controller.signal.reason);
    const id = promptIdOf();
    await server.idle();
    expect(server.log).toContain(`POST /interrupt {"prompt_id":"${id}"}`);
    expect(server.log).toContain(`execution_interrupted ${id}`);
  });

  it('deletes its prompt from the queue when the job is canceled while it waits', async () => {
    server.behave({ msPerPrompt: 1_500 });
    const before = server.submitted.length;
    const first = engine().generate(input(), recordingContext().ctx);
    const waiting = recordingContext();
    const second = engine().generate(input({ seed: 8 }), waiting.ctx);
    // Cancel the second once ComfyUI has it queued behind the first.
    while (server.submitted.length < before + 2 || !server.log.some((line) => line.startsWith('progress')))
      await new Promise((resolve) => setTimeout(resolve, 20));
    waiting.abort();
    expect((await settleTimed(second)).error).toBe(waiting.controller.signal.reason);
    await first;
    const id = promptIdOf(-1);
    expect(server.log).toContain(`POST /queue {"delete":["${id}"]}`);
    expect(server.log.some((line) => line.startsWith(`execution_start ${id}`))).toBe(false);
  });

  it('counts a server that answers 500 as unavailable, to be retried', async () => {
    server.behave({ msPerPrompt: 200, failing: true });
    const failure = await failureOf(engine().generate(input(), recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(failure.message).toContain('500');
  });

  it('counts a server that is down as unavailable, to be retried', async () => {
    const gone = await comfyUiServer({ msPerPrompt: 10 });
    await gone.close();
    const downClient = createComfyUiClient({ baseUrl: gone.url, clientId: 'worker-test', requestTimeoutMs: 2_000, warn: () => {} });
    const failure = await failureOf(
      createComfyUiEngine({ kind: 'image', client: downClient, workflow, bindings, output: '9' }).generate(input(), recordingContext().ctx),
    );
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true });
    await downClient.close();
  });

  it('counts a server that dies mid-prompt and stays away as unavailable, to be retried elsewhere', async () => {
    const dying = await comfyUiServer({ msPerPrompt: 2_000 });
    const dyingClient = createComfyUiClient({ baseUrl: dying.url, clientId: 'worker-test', requestTimeoutMs: 2_000, reconnectGiveUpMs: 300, warn: () => {} });
    const recording = recordingContext();
    const run = createComfyUiEngine({ kind: 'image', client: dyingClient, workflow, bindings, output: '9' }).generate(input(), recording.ctx);
    while (!dying.log.some((line) => line.startsWith('progress'))) await new Promise((resolve) => setTimeout(resolve, 20));
    await dying.close();
    const failure = await failureOf(run);
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true });
    await dyingClient.close();
  });

  it('fails for good with ComfyUI’s own words when it refuses the workflow', async () => {
    server.behave({ msPerPrompt: 200, refuse: true });
    const failure = await failureOf(engine().generate(input(), recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'engine_failed', retryable: false });
    expect(failure.message).toBe('ComfyUI refused the workflow: Prompt outputs failed validation; node 3 (KSampler): Value bigger than max: steps: 200 > 100');
  });

  it('fails for good with the node and exception when a node raises while it runs', async () => {
    server.behave({ msPerPrompt: 200, errorAtStep: 2 });
    const failure = await failureOf(engine().generate(input(), recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'engine_failed', retryable: false });
    expect(failure.message).toBe('ComfyUI failed in node 3 (KSampler): torch.OutOfMemoryError: Allocation on device');
  });

  it('ends with the job’s own timeout when the server never answers', async () => {
    server.behave({ msPerPrompt: 200, silent: true });
    const timeout = AbortSignal.timeout(300);
    const recording = recordingContext();
    const { error } = await settleTimed(engine().generate(input(), { ...recording.ctx, signal: timeout }));
    expect(error).toBe(timeout.reason);
  });

  it('keeps the next prompt queued in ComfyUI while the current one runs, so ComfyUI starts it without waiting for us', async () => {
    server.behave({ msPerPrompt: 600 });
    const model = engine();
    const current = await model.prepare(input({ seed: 1 }), new AbortController().signal);
    const next = await model.prepare(input({ seed: 2 }), new AbortController().signal);
    const [currentId, nextId] = [promptIdOf(-2), promptIdOf(-1)];
    await current.run(recordingContext().ctx);
    // The next prompt is attached only now; ComfyUI began it straight after the first.
    const started = server.log.indexOf(`execution_start ${nextId}`);
    expect(started).toBe(server.log.indexOf(`executing ${currentId}`, server.log.indexOf(`execution_success ${currentId}`)) + 1);
    const recording = recordingContext();
    const [file] = await next.run(recording.ctx);
    expect(file!.width).toBe(96);
    expect(recording.progress().at(-1)).toBe(100);
  });

  it('takes a prepared prompt back out of the queue when its job will not run', async () => {
    server.behave({ msPerPrompt: 600 });
    const model = engine();
    const current = await model.prepare(input({ seed: 1 }), new AbortController().signal);
    const unwanted = await model.prepare(input({ seed: 2 }), new AbortController().signal);
    const unwantedId = promptIdOf(-1);
    await unwanted.discard();
    await current.run(recordingContext().ctx);
    expect(server.log).toContain(`POST /queue {"delete":["${unwantedId}"]}`);
    expect(server.log.some((line) => line.startsWith(`execution_start ${unwantedId}`))).toBe(false);
  });

  it('names, at construction, a binding to a node the workflow does not have', () => {
    expect(() =>
      createComfyUiEngine({ kind: 'image', client, workflow, bindings: { ...bindings, seed: '30.inputs.seed' }, output: '9', name: 'comfyui/sdxl-turbo' }),
    ).toThrow('comfyui/sdxl-turbo: bindings.seed: "30.inputs.seed" points at node 30, which the workflow does not have');
  });
});

describe('ComfyUI video engine', () => {
  it('turns the film its output node saved into ours, frame 0 first as the poster', async () => {
    const videoWorkflow = {
      '1': { class_type: 'EmptyLatentImage', inputs: { width: 160, height: 120, batch_size: 12 } },
      '2': { class_type: 'KSampler', inputs: { seed: 0, steps: 2, latent_image: ['1', 0] } },
      '3': { class_type: 'SaveVideo', inputs: { video: ['2', 0], filename_prefix: 'video/atelier', format: 'mp4', codec: 'h264' } },
    };
    const videoEngine = createComfyUiEngine({ kind: 'video', client, workflow: videoWorkflow, bindings: { seed: '2.inputs.seed' }, output: '3' });
    const recording = recordingContext();
    const files = await videoEngine.generate(
      { prompt: 'waves', params: VideoParams.parse({ seconds: 1, fps: 12, width: 160, height: 120, seed: 3 }) },
      recording.ctx,
    );
    expect(files.map((file) => [file.role, file.contentType])).toEqual([
      ['output', 'video/mp4'],
      ['poster', 'image/jpeg'],
    ]);
    await expect(validateOutput(files[0]!, { width: 160, height: 120, durationSeconds: 1 })).resolves.toMatchObject({ width: 160, height: 120 });
    expect(recording.previews().at(-1)!.image.isFirstFrame).toBe(true);
  });
});

describe('checkComfyUiWorkflow', () => {
  it('finds nothing wrong with the shipped example', async () => {
    expect(await checkComfyUiWorkflow({ baseUrl: server.url, workflow, bindings, output: '9' })).toEqual([]);
  });

  it('names every binding that points at no input, and every node class the server lacks', async () => {
    const withCustomNode = { ...workflow, '10': { class_type: 'UpscaleModelLoader', inputs: { model_name: '4x.pth' } } };
    const problems = await checkComfyUiWorkflow({
      baseUrl: server.url,
      workflow: withCustomNode,
      bindings: { ...bindings, seed: '3.inputs.noise_seed', steps: '12.inputs.steps', prompt: '6.text' },
      output: '11',
    });
    expect(problems).toEqual([
      'bindings.prompt: "6.text" is not of the form "<node id>.inputs.<input name>"',
      'bindings.steps: "12.inputs.steps" points at node 12, which the workflow does not have',
      'output: node 11 is not in the workflow',
      `workflow: node 10 is a UpscaleModelLoader, which the ComfyUI at ${server.url} does not have`,
      'bindings.seed: "3.inputs.noise_seed" names input "noise_seed", which node 3 (KSampler) does not take',
    ]);
  });
});

describe('describeComfyUiServer', () => {
  it('reads the GPU and its memory from /system_stats', async () => {
    expect(await describeComfyUiServer(server.url)).toEqual({
      version: '0.3.66',
      devices: [{ name: 'cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync', type: 'cuda', vramTotalBytes: 25_393_692_672, vramFreeBytes: 24_000_000_000 }],
    });
  });
});
