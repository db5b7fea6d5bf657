import sharp from 'sharp';
import { JobError } from '@atelier/contracts';
import { progressReporter } from '../progressReporter.ts';
import { seededRandom } from '../seededRandom.ts';
import type { Engine } from '../types.ts';
import { encodeFilm } from './encodeFilm.ts';
import { assertEvenSize } from './evenSize.ts';
import { previewFirstFrame } from './firstFramePreview.ts';

/** How far the camera zooms in over the clip: the last frame shows 1/1.2 of the first's width. */
const ZOOM = 0.2;
/** The picture is kept at this multiple of the frame size, so a zoomed-in crop still has pixels to spare. */
const OVERSAMPLE = 2;

/** Where the crop window of frame `t` (0 to 1) lies in a picture of `side` px, drifting toward `anchor` (0 to 1). */
function windowAt(side: number, t: number, anchor: number): { start: number; size: number } {
  // Smoothstep: the camera eases in and out instead of starting and stopping with a jolt.
  const eased = t * t * (3 - 2 * t);
  const size = Math.round(side / (1 + ZOOM * eased));
  return { start: Math.round((side - size) * anchor), size };
}

/**
 * Films one input picture as a slow zoom and drift (the Ken Burns effect): the picture is
 * cropped to the frame's shape, frame 0 shows it whole, and the camera closes in toward a
 * corner the seed picks. Nothing in the picture moves. Frame 0 is handed over first.
 */
export function createImagePanEngine(): Engine<'video'> {
  return {
    kind: 'video',
    name: 'image-pan',
    async generate({ prompt, params, inputs }, ctx) {
      const { seconds, fps, width, height } = params;
      assertEvenSize(width, height);
      const input = inputs?.image;
      if (!input) throw new JobError('input_required', 'The image pan films an input picture; the job names none.');
      ctx.signal.throwIfAborted();
      const report = progressReporter(ctx.progress);
      const frameCount = seconds * fps;
      const random = seededRandom('pan', prompt, params.seed ?? 0);
      const anchor = { x: random(), y: random() };
      const [bw, bh] = [width * OVERSAMPLE, height * OVERSAMPLE];
      const base = await sharp(input.data).resize(bw, bh, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer();

      const frameAt = (index: number): Promise<Buffer> => {
        const t = frameCount > 1 ? index / (frameCount - 1) : 0;
        const x = windowAt(bw, t, anchor.x);
        const y = windowAt(bh, t, anchor.y);
        return sharp(base, { raw: { width: bw, height: bh, channels: 3 } })
          .extract({ left: x.start, top: y.start, width: x.size, height: y.size })
          .resize(width, height, { fit: 'fill' })
          .raw()
          .toBuffer();
      };

      const firstFrame = await frameAt(0);
      const firstFrameJpeg = await previewFirstFrame(firstFrame, width, height, ctx);

      const mp4 = await encodeFilm({ width, height, fps, frameCount, firstFrame, renderFrame: frameAt }, ctx.signal, report);
      report(100, 'encoded');
      return [
        { role: 'output', data: mp4, contentType: 'video/mp4', extension: 'mp4', width, height, durationSeconds: frameCount / fps },
        { role: 'poster', data: firstFrameJpeg, contentType: 'image/jpeg', extension: 'jpg', width, height },
      ];
    },
  };
}
