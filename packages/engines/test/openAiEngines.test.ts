import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageParams, VideoParams, VoiceParams } from '@atelier/contracts';
import { probe, validateOutput } from '@atelier/media';
import { createOpenAiImageEngine, createOpenAiVideoEngine, createOpenAiVoiceEngine } from '../src/index.ts';
import { loopbackServer, neverAnswer, sendBytes, sendJson, type Handler } from './support/loopbackServer.ts';
import { failureOf } from './support/failureOf.ts';
import { frameOf, meanAbsoluteDifference } from './support/frames.ts';
import { fixtures } from './support/mediaFixtures.ts';
import { recordingContext, settleTimed } from './support/recordingContext.ts';

/** Error bodies as OpenAI documents them: `{ error: { message, type, param, code } }`. */
const openAiError =
  (status: number, type: string, code: string | null, message: string): Handler =>
  (_, response) =>
    sendJson(response, status, { error: { message, type, param: null, code } }, { 'x-request-id': 'req_loopback' });
const errors = {
  rateLimited: openAiError(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached for gpt-image-1 on images per minute: Limit 5, Used 5.'),
  contentPolicy: openAiError(400, 'invalid_request_error', 'content_policy_violation', 'Your request was rejected as a result of our safety system.'),
  moderationBlocked: openAiError(400, 'image_generation_user_error', 'moderation_blocked', 'Your request was rejected by the safety system.'),
  badKey: openAiError(401, 'invalid_request_error', 'invalid_api_key', 'Incorrect API key provided: sk-loop***.'),
  serverError: openAiError(500, 'server_error', null, 'The server had an error while processing your request. Sorry about that!'),
};

let server: Awaited<ReturnType<typeof loopbackServer>>;
let client: OpenAI;
beforeAll(async () => {
  server = await loopbackServer(neverAnswer);
  client = new OpenAI({ apiKey: 'sk-loopback', baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterAll(() => server.close());

describe('OpenAI image engine', () => {
  const engine = () => createOpenAiImageEngine(client, { model: 'gpt-image-1', timeoutMs: 500 });
  const generate = (recording = recordingContext()) =>
    engine().generate({ prompt: 'a lighthouse', params: ImageParams.parse({ width: 640, height: 384, seed: 1 }) }, recording.ctx);

  it('asks for the closest size the model draws and conforms the answer to the asked size', async () => {
    server.answer(async (request, response) => {
      const size = (JSON.parse(request.body.toString()) as { size: string }).size.split('x').map(Number);
      const png = await fixtures.picture(size[0]!, size[1]!, 'png');
      sendJson(response, 200, { created: 1_750_000_000, data: [{ b64_json: png.toString('base64') }], usage: { total_tokens: 100 } });
    });
    const recording = recordingContext();
    const [file] = await generate(recording);
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/images/generations');
    expect(sent.headers.authorization).toBe('Bearer sk-loopback');
    expect(JSON.parse(sent.body.toString())).toMatchObject({ model: 'gpt-image-1', prompt: 'a lighthouse', n: 1, size: '1536x1024' });
    await expect(validateOutput(file!, { width: 640, height: 384 })).resolves.toMatchObject({ width: 640, height: 384 });
    expect(recording.progress().at(-1)).toBe(100);
  });

  it.each([
    ['429', 'provider_rate_limited', true, errors.rateLimited],
    ['400 content policy', 'content_policy', false, errors.contentPolicy],
    ['400 moderation blocked', 'content_policy', false, errors.moderationBlocked],
    ['401', 'provider_auth_failed', false, errors.badKey],
    ['500', 'provider_unavailable', true, errors.serverError],
  ])('maps %s to %s (retryable: %s)', async (_, code, retryable, handler) => {
    server.answer(handler);
    const failure = await failureOf(generate());
    expect(failure).toMatchObject({ code, retryable });
  });

  it('counts a provider that does not answer in time as unavailable', async () => {
    server.answer(neverAnswer);
    const failure = await failureOf(generate());
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(failure.message).toContain('no answer within 0.5 s');
  });

  it('stops at once when the job is aborted while waiting for the answer', async () => {
    const recording = recordingContext();
    server.answer(() => recording.abort());
    const engine = createOpenAiImageEngine(client, { model: 'gpt-image-1', timeoutMs: 60_000 });
    const { error } = await settleTimed(engine.generate({ prompt: 'slow', params: ImageParams.parse({ seed: 1 }) }, recording.ctx));
    expect(error).toBe(recording.controller.signal.reason);
    expect(recording.sinceAbort()).toBeLessThan(2000);
  });
});

describe('OpenAI voice engine', () => {
  it('asks for raw PCM and encodes it, with peaks and the duration of the samples', async () => {
    const pcm = await fixtures.speechPcm('Hello from the loopback provider. It speaks well.', 24_000);
    server.answer((_, response) => sendBytes(response, 'audio/pcm', pcm));
    const engine = createOpenAiVoiceEngine(client, { model: 'gpt-4o-mini-tts' });
    const [file] = await engine.generate({ prompt: 'Hello.', params: VoiceParams.parse({ format: 'mp3', speed: 1.25 }) }, recordingContext().ctx);
    expect(JSON.parse(server.requests.at(-1)!.body.toString())).toMatchObject({
      model: 'gpt-4o-mini-tts',
      input: 'Hello.',
      response_format: 'pcm',
      speed: 1.25,
      voice: 'alloy',
    });
    expect(file!.durationSeconds).toBeCloseTo(pcm.length / 2 / 24_000, 3);
    expect(file!.peaks).toHaveLength(100);
    await expect(validateOutput(file!, { durationSeconds: file!.durationSeconds })).resolves.toMatchObject({});
  });

  it('maps a 429 to provider_rate_limited', async () => {
    server.answer(errors.rateLimited);
    const engine = createOpenAiVoiceEngine(client, { model: 'gpt-4o-mini-tts' });
    const failure = await failureOf(engine.generate({ prompt: 'Hello.', params: VoiceParams.parse({}) }, recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'provider_rate_limited', retryable: true });
  });
});

describe('OpenAI video engine', () => {
  /** The Videos API as documented: a job that is queued, in progress, then completed, with its content. */
  async function videoApi(outcome: 'completed' | 'failed') {
    const mp4 = await fixtures.mp4(1280, 720, 4);
    const polls = { count: 0 };
    const video = (status: string, progress: number) => ({
      id: 'video_loopback',
      object: 'video',
      model: 'sora-2',
      status,
      progress,
      created_at: 1_750_000_000,
      completed_at: null,
      expires_at: null,
      prompt: 'a windy beach',
      remixed_from_video_id: null,
      seconds: '4',
      size: '1280x720',
      error: status === 'failed' ? { code: 'moderation_blocked', message: 'The prompt was blocked by moderation.' } : null,
    });
    server.answer((request, response) => {
      if (request.method === 'POST' && request.path === '/v1/videos') return sendJson(response, 200, video('queued', 0));
      if (request.method === 'GET' && request.path === '/v1/videos/video_loopback') {
        polls.count += 1;
        return sendJson(response, 200, polls.count < 2 ? video('in_progress', 50) : video(outcome, 100));
      }
      if (request.method === 'GET' && request.path.startsWith('/v1/videos/video_loopback/content')) return sendBytes(response, 'video/mp4', mp4);
      return sendJson(response, 404, { error: { message: `no route ${request.path}`, type: 'invalid_request_error', param: null, code: null } });
    });
  }
  const engine = () => createOpenAiVideoEngine(client, { model: 'sora-2', pollIntervalMs: 20 });
  const params = VideoParams.parse({ seconds: 3, fps: 24, width: 640, height: 360, seed: 1 });

  it('creates, polls and downloads the video; the first frame goes out first; the film is made the asked size and length', async () => {
    await videoApi('completed');
    const recording = recordingContext();
    const files = await engine().generate({ prompt: 'a windy beach', params }, recording.ctx);
    const created = server.requests.findLast((request) => request.method === 'POST' && request.path === '/v1/videos')!;
    // The SDK posts a video job as multipart form data, as the API's own examples do.
    const form = await new Response(new Uint8Array(created.body), { headers: { 'content-type': created.headers['content-type']! } }).formData();
    expect(Object.fromEntries(form)).toMatchObject({ model: 'sora-2', prompt: 'a windy beach', seconds: '4', size: '1280x720' });

    const previewAt = recording.events.findIndex((event) => event.type === 'preview');
    const doneAt = recording.events.findIndex((event) => event.type === 'progress' && event.percent === 100);
    expect(previewAt).toBeGreaterThan(-1);
    expect(previewAt).toBeLessThan(doneAt);
    const [firstFrame] = recording.previews();
    expect(firstFrame!.image).toMatchObject({ contentType: 'image/jpeg', width: 640, height: 360, isFirstFrame: true });

    const output = files.find((file) => file.role === 'output')!;
    const previewPixels = await sharp(firstFrame!.image.data).raw().toBuffer();
    expect(meanAbsoluteDifference(await frameOf(output.data, 0), previewPixels)).toBeLessThan(4);
    await expect(validateOutput(output, { width: 640, height: 360, durationSeconds: 3, durationToleranceSeconds: 0.1 })).resolves.toMatchObject({ width: 640 });
    expect(await probe(output.data, new AbortController().signal)).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p' });
    expect(files.find((file) => file.role === 'poster')!.data.equals(firstFrame!.image.data)).toBe(true);
    const progress = recording.progress();
    expect(progress).toContain(45); // halfway through generating, as the API said
    expect(progress.at(-1)).toBe(100);
  });

  it('says content_policy when the job fails on moderation', async () => {
    await videoApi('failed');
    const failure = await failureOf(engine().generate({ prompt: 'a windy beach', params }, recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'content_policy', retryable: false });
  });

  it('stops at once when aborted while polling', async () => {
    await videoApi('completed');
    const recording = recordingContext();
    const slowPolls = createOpenAiVideoEngine(client, { model: 'sora-2', pollIntervalMs: 60_000 });
    const run = slowPolls.generate({ prompt: 'a windy beach', params }, recording.ctx);
    // By then the job is created and the engine waits a minute to poll again.
    setTimeout(() => recording.abort(), 300);
    const { error } = await settleTimed(run);
    expect(recording.progress()).toEqual([5]);
    expect(error).toBe(recording.controller.signal.reason);
    expect(recording.sinceAbort()).toBeLessThan(2000);
  });
});
