import type OpenAI from 'openai';
import { JobError } from '@atelier/contracts';
import { progressReporter } from '../progressReporter.ts';
import { callProvider, type ProviderCall } from '../providers/callProvider.ts';
import { pause } from '../providers/pause.ts';
import type { Engine } from '../types.ts';
import { deliverProviderVideo } from '../video/deliverProviderVideo.ts';
import { assertEvenSize } from '../video/evenSize.ts';
import { isContentPolicyCode, openAiFailure } from './openAiFailure.ts';

export interface OpenAiVideoOptions {
  model: string;
  /** One request (create, poll, download); the whole job is bounded by the job's own limit. */
  timeoutMs?: number;
  pollIntervalMs?: number;
}

/** The clip lengths the Videos API makes; the shortest that covers the asked length is cut down. */
const lengths = ['4', '8', '12'] as const;
/** Generating takes this stretch of the progress bar; the rest is download and re-encoding. */
const GENERATING_FROM = 5;
const GENERATING_TO = 85;

/**
 * OpenAI's Videos API: create a job, poll it (its progress becomes ours), download the MP4,
 * then hand it to deliverProviderVideo for the first frame and the asked size and length.
 */
export function createOpenAiVideoEngine(client: OpenAI, { model, timeoutMs = 60_000, pollIntervalMs = 5_000 }: OpenAiVideoOptions): Engine<'video'> {
  return {
    kind: 'video',
    name: 'openai',
    async generate({ prompt, params }, ctx) {
      assertEvenSize(params.width, params.height);
      const report = progressReporter(ctx.progress);
      const call: ProviderCall = { provider: 'OpenAI', signal: ctx.signal, timeoutMs, classify: openAiFailure };
      const seconds = lengths.find((length) => Number(length) >= params.seconds) ?? '12';
      const size = params.width >= params.height ? '1280x720' : '720x1280';
      let video = await callProvider(call, (signal) => client.videos.create({ model, prompt, seconds, size }, { signal }));
      report(GENERATING_FROM, 'queued');
      while (video.status === 'queued' || video.status === 'in_progress') {
        await pause(pollIntervalMs, ctx.signal);
        video = await callProvider(call, (signal) => client.videos.retrieve(video.id, { signal }));
        report(GENERATING_FROM + ((GENERATING_TO - GENERATING_FROM) * video.progress) / 100, 'generating');
      }
      if (video.status === 'failed') throw failedVideo(video.error);

      const mp4 = await callProvider(call, async (signal) => {
        const response = await client.videos.downloadContent(video.id, { variant: 'video' }, { signal });
        return Buffer.from(await response.arrayBuffer());
      });
      report(90, 'downloaded');
      const files = await deliverProviderVideo(mp4, params, ctx);
      report(100, 'encoded');
      return files;
    },
  };
}

function failedVideo(error: OpenAI.Videos.Video['error']): JobError {
  const message = `OpenAI could not make the video: ${error?.message ?? 'no reason given'}`;
  if (error && isContentPolicyCode(error.code)) return new JobError('content_policy', message);
  return new JobError('engine_failed', message, { retryable: true });
}
