import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import sharp from 'sharp';
import { runTool, withTempDir } from '@atelier/media';
import { createCanvas, toRgb8, type Canvas } from '../image/canvas.ts';
import { addGrain, grainField, grainFieldInTurns, grainOctaves } from '../image/grain.ts';
import { createPainter, type Painter } from '../image/painter.ts';
import { sceneOf } from '../image/scene.ts';
import { progressReporter } from '../progressReporter.ts';
import type { Engine } from '../types.ts';
import { assertEvenSize } from './evenSize.ts';
import { h264Args } from './h264Args.ts';

/** Rendering and streaming frames to ffmpeg take this share of the progress bar; ffmpeg's finish the rest. */
const RENDERING_PERCENT = 95;
const FIRST_FRAME_QUALITY = 90;

/**
 * Films the landscape of the prompt and seed as the camera pans: near ridges slide past
 * faster than far ones and clouds drift. Frame 0 is painted first and handed over as a JPEG
 * before anything else is done, then every frame is streamed raw into ffmpeg.
 */
export function createLocalVideoEngine(): Engine<'video'> {
  return {
    kind: 'video',
    name: 'local',
    async generate({ prompt, params }, ctx) {
      const { seconds, fps, width, height } = params;
      assertEvenSize(width, height);
      ctx.signal.throwIfAborted();
      const report = progressReporter(ctx.progress);
      const frameCount = seconds * fps;
      const scene = sceneOf(prompt, params.seed ?? 0);
      const painter = createPainter(scene, width, height);
      const octaves = grainOctaves(width, height);
      // Setting up the scene and painting a frame are each a few hundred ms at 1024 px on a loaded machine: not in one turn.
      await nextTurn();

      // Frame 0 needs grain only as wide as itself; the whole pan's grain can wait until it is out.
      const canvas = createCanvas(width, height);
      const firstFrame = renderFrame(painter, canvas, grainField(width + 1, height, octaves, scene.seed), width + 1, 0);
      const firstFrameJpeg = await sharp(firstFrame, { raw: { width, height, channels: 3 } })
        .jpeg({ quality: FIRST_FRAME_QUALITY })
        .toBuffer();
      await ctx.preview({ data: firstFrameJpeg, contentType: 'image/jpeg', width, height, isFirstFrame: true });
      report((1 / frameCount) * RENDERING_PERCENT, 'rendering');

      const panWidth = width + Math.ceil(Math.max(...painter.grainAt(seconds).shift)) + 2;
      const panGrain = await grainFieldInTurns(panWidth, height, octaves, scene.seed);
      async function* frames(): AsyncGenerator<Buffer> {
        yield firstFrame;
        for (let index = 1; index < frameCount; index++) {
          // Let a cancel land between frames even when ffmpeg never pushes back.
          await nextTurn();
          ctx.signal.throwIfAborted();
          yield renderFrame(painter, canvas, panGrain, panWidth, index / fps);
          report(((index + 1) / frameCount) * RENDERING_PERCENT, 'rendering');
        }
      }

      const mp4 = await withTempDir(async (dir) => {
        const file = join(dir, 'video.mp4');
        await runTool('ffmpeg', encodeArgs(width, height, fps, file), { signal: ctx.signal, input: frames() });
        return readFile(file);
      });
      report(100, 'encoded');
      return [
        { role: 'output', data: mp4, contentType: 'video/mp4', extension: 'mp4', width, height, durationSeconds: frameCount / fps },
        { role: 'poster', data: firstFrameJpeg, contentType: 'image/jpeg', extension: 'jpg', width, height },
      ];
    },
  };
}

/** One frame as packed RGB, in a buffer of its own: ffmpeg's stdin may still hold the last one. */
function renderFrame(painter: Painter, canvas: Canvas, grain: Float32Array, grainWidth: number, time: number): Buffer {
  painter.paint(canvas, time);
  addGrain(canvas, grain, grainWidth, painter.grainAt(time));
  return toRgb8(canvas);
}

function encodeArgs(width: number, height: number, fps: number, file: string): string[] {
  const rawFrames = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0'];
  return ['-v', 'error', ...rawFrames, ...h264Args, '-y', file];
}
