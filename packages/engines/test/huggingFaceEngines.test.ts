import { InferenceClient } from '@huggingface/inference';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageParams, VideoParams, VoiceParams } from '@atelier/contracts';
import { validateOutput } from '@atelier/media';
import { createHuggingFaceImageEngine, createHuggingFaceVideoEngine, createHuggingFaceVoiceEngine } from '../src/index.ts';
import { failureOf } from './support/failureOf.ts';
import { frameOf, meanAbsoluteDifference } from './support/frames.ts';
import { loopbackServer, neverAnswer, sendBytes, sendJson, type Handler } from './support/loopbackServer.ts';
import { fixtures } from './support/mediaFixtures.ts';
import { recordingContext, settleTimed } from './support/recordingContext.ts';

/** Inference Endpoints answer failures with `{ "error": "…" }` (and, while a model loads, its estimated time). */
const hfError =
  (status: number, body: Record<string, unknown>): Handler =>
  (_, response) =>
    sendJson(response, status, body);
const errors = {
  rateLimited: hfError(429, { error: 'Rate limit reached. You reached free usage limit (reset hourly). Please subscribe to a plan.' }),
  contentPolicy: hfError(400, { error: 'Potential NSFW content was detected in the prompt; the safety checker refused it.' }),
  badToken: hfError(401, { error: 'Invalid credentials in Authorization header' }),
  serverError: hfError(500, { error: 'CUDA out of memory. Tried to allocate 2.00 GiB' }),
  loading: hfError(503, { error: 'Model black-forest-labs/FLUX.1-schnell is currently loading', estimated_time: 20 }),
};

let server: Awaited<ReturnType<typeof loopbackServer>>;
let client: InferenceClient;
beforeAll(async () => {
  server = await loopbackServer(neverAnswer);
  client = new InferenceClient('hf_loopback', { endpointUrl: `${server.url}/endpoint` });
});
afterAll(() => server.close());

describe('Hugging Face image engine', () => {
  const engine = (timeoutMs = 500) => createHuggingFaceImageEngine(client, { model: 'black-forest-labs/FLUX.1-schnell', timeoutMs });
  const params = ImageParams.parse({ width: 384, height: 256, steps: 4, seed: 7 });

  it('posts the prompt and parameters to the endpoint and conforms the JPEG it gets to a PNG of the asked size', async () => {
    server.answer(async (_, response) => sendBytes(response, 'image/jpeg', await fixtures.picture(1024, 1024, 'jpeg')));
    const recording = recordingContext();
    const [file] = await engine().generate({ prompt: 'a fox in the snow', params }, recording.ctx);
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/endpoint');
    expect(sent.headers.authorization).toBe('Bearer hf_loopback');
    expect(JSON.parse(sent.body.toString())).toEqual({
      inputs: 'a fox in the snow',
      parameters: { width: 384, height: 256, num_inference_steps: 4, seed: 7 },
    });
    await expect(validateOutput(file!, { width: 384, height: 256 })).resolves.toMatchObject({ width: 384, height: 256 });
    expect(recording.progress().at(-1)).toBe(100);
  });

  it.each([
    ['429', 'provider_rate_limited', true, errors.rateLimited],
    ['400 content policy', 'content_policy', false, errors.contentPolicy],
    ['401', 'provider_auth_failed', false, errors.badToken],
    ['500', 'provider_unavailable', true, errors.serverError],
    ['503 while the model loads', 'provider_unavailable', true, errors.loading],
  ])('maps %s to %s (retryable: %s), asking once', async (_, code, retryable, handler) => {
    server.answer(handler);
    const before = server.requests.length;
    const failure = await failureOf(engine().generate({ prompt: 'a fox', params }, recordingContext().ctx));
    expect(failure).toMatchObject({ code, retryable });
    // The SDK's own 503 retry would ask again at once, forever; the queue retries instead.
    expect(server.requests.length - before).toBe(1);
  });

  it('counts a provider that does not answer in time as unavailable', async () => {
    server.answer(neverAnswer);
    const failure = await failureOf(engine().generate({ prompt: 'a fox', params }, recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true });
  });

  it('counts an endpoint that refuses connections as unavailable', async () => {
    const closed = await loopbackServer(neverAnswer);
    await closed.close();
    const unreachable = new InferenceClient('hf_loopback', { endpointUrl: `${closed.url}/endpoint` });
    const failure = await failureOf(createHuggingFaceImageEngine(unreachable, { model: 'any' }).generate({ prompt: 'a fox', params }, recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true });
  });

  it('stops at once when the job is aborted while waiting for the answer', async () => {
    const recording = recordingContext();
    server.answer(() => recording.abort());
    const { error } = await settleTimed(engine(60_000).generate({ prompt: 'slow', params }, recording.ctx));
    expect(error).toBe(recording.controller.signal.reason);
    expect(recording.sinceAbort()).toBeLessThan(2000);
  });
});

describe('Hugging Face voice engine', () => {
  it('decodes the FLAC it gets, applies the asked speed and encodes the asked format', async () => {
    const flac = await fixtures.speechFlac('The quick brown fox jumps over the lazy dog. Twice, in fact.');
    server.answer((_, response) => sendBytes(response, 'audio/flac', flac));
    const engine = createHuggingFaceVoiceEngine(client, { model: 'hexgrad/Kokoro-82M' });
    const speak = (speed: number) =>
      engine.generate({ prompt: 'The quick brown fox.', params: VoiceParams.parse({ format: 'ogg', speed }) }, recordingContext().ctx);
    const [normal] = await speak(1);
    const [fast] = await speak(2);
    expect(JSON.parse(server.requests.at(-1)!.body.toString())).toEqual({ inputs: 'The quick brown fox.' });
    expect(fast!.durationSeconds! / normal!.durationSeconds!).toBeCloseTo(0.5, 1);
    await expect(validateOutput(normal!, { durationSeconds: normal!.durationSeconds })).resolves.toMatchObject({});
    expect(normal!.peaks).toHaveLength(100);
  });

  it('maps a 500 to provider_unavailable', async () => {
    server.answer(errors.serverError);
    const engine = createHuggingFaceVoiceEngine(client, { model: 'hexgrad/Kokoro-82M' });
    const failure = await failureOf(engine.generate({ prompt: 'Hello.', params: VoiceParams.parse({}) }, recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true });
  });
});

describe('Hugging Face video engine', () => {
  it('posts to the endpoint, sends the first frame first and makes the film the asked size and length', async () => {
    const mp4 = await fixtures.mp4(768, 512, 2);
    server.answer((_, response) => sendBytes(response, 'video/mp4', mp4));
    const engine = createHuggingFaceVideoEngine(client, { model: 'Lightricks/LTX-Video', onEndpoint: true });
    const recording = recordingContext();
    const params = VideoParams.parse({ seconds: 3, fps: 12, width: 320, height: 240, seed: 3 });
    const files = await engine.generate({ prompt: 'waves', params }, recording.ctx);
    expect(JSON.parse(server.requests.at(-1)!.body.toString())).toEqual({ inputs: 'waves', parameters: { num_frames: 36, seed: 3 } });

    const [firstFrame] = recording.previews();
    expect(firstFrame!.image).toMatchObject({ contentType: 'image/jpeg', width: 320, height: 240, isFirstFrame: true });
    const output = files.find((file) => file.role === 'output')!;
    // The provider's 2 s are held on their last frame to the asked 3 s.
    await expect(validateOutput(output, { width: 320, height: 240, durationSeconds: 3, durationToleranceSeconds: 0.1 })).resolves.toMatchObject({ width: 320 });
    const previewPixels = await sharp(firstFrame!.image.data).raw().toBuffer();
    expect(meanAbsoluteDifference(await frameOf(output.data, 0), previewPixels)).toBeLessThan(4);
  });

  it('says invalid_output when the endpoint sends something that is not a video', async () => {
    server.answer((_, response) => sendBytes(response, 'video/mp4', Buffer.from('not a video at all')));
    const engine = createHuggingFaceVideoEngine(client, { model: 'Lightricks/LTX-Video', onEndpoint: true });
    const failure = await failureOf(engine.generate({ prompt: 'waves', params: VideoParams.parse({ seed: 1 }) }, recordingContext().ctx));
    expect(failure).toMatchObject({ code: 'invalid_output', retryable: false });
  });
});
