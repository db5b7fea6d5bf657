import { setImmediate as nextTurn } from 'node:timers/promises';
import { createCanvas, toRgb8, type Canvas } from '../image/canvas.ts';
import { addGrain, grainField, grainFieldInTurns, grainOctaves } from '../image/grain.ts';
import { createPainter, type Painter } from '../image/painter.ts';
import { sceneOf } from '../image/scene.ts';
import { progressReporter } from '../progressReporter.ts';
import type { Engine } from '../types.ts';
import { encodeFilm } from './encodeFilm.ts';
import { assertEvenSize } from './evenSize.ts';
import { previewFirstFrame } from './firstFramePreview.ts';

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
      const firstFrameJpeg = await previewFirstFrame(firstFrame, width, height, ctx);

      const panWidth = width + Math.ceil(Math.max(...painter.grainAt(seconds).shift)) + 2;
      const panGrain = await grainFieldInTurns(panWidth, height, octaves, scene.seed);
      const film = {
        width,
        height,
        fps,
        frameCount,
        firstFrame,
        renderFrame: (index: number) => renderFrame(painter, canvas, panGrain, panWidth, index / fps),
      };
      const mp4 = await encodeFilm(film, ctx.signal, report);
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
