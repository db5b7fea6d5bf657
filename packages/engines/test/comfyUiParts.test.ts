import { describe, expect, it } from 'vitest';
import { bindWorkflow } from '../src/comfyui/bindWorkflow.ts';
import { previewFrameOf } from '../src/comfyui/previewFrame.ts';
import { previewThrottle } from '../src/comfyui/previewThrottle.ts';
import { promptProgress } from '../src/comfyui/promptProgress.ts';
import { previewFrame } from './support/comfyUiServer.ts';

const workflow = {
  '3': { class_type: 'KSampler', inputs: { seed: 0, steps: 10, model: ['4', 0] } },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['4', 1] } },
  '9': { class_type: 'SaveImage', inputs: { images: ['3', 0] } },
};

describe('bindWorkflow', () => {
  it('sets each bound value in a copy and leaves unbound and absent params as the workflow has them', () => {
    const bound = bindWorkflow(
      workflow,
      { prompt: '6.inputs.text', seed: '3.inputs.seed', denoise: '3.inputs.denoise' },
      { prompt: 'a fox', seed: 9, steps: 4 },
    );
    expect(bound['6']!.inputs).toEqual({ text: 'a fox', clip: ['4', 1] });
    expect(bound['3']!.inputs).toEqual({ seed: 9, steps: 10, model: ['4', 0] });
    expect(workflow['6'].inputs.text).toBe('');
  });
});

describe('previewFrameOf', () => {
  it('reads the image and its format from a frame as ComfyUI sends it', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(previewFrameOf(previewFrame(jpeg))).toEqual({ contentType: 'image/jpeg', data: jpeg });
    const png = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]), Buffer.from('png bytes')]);
    expect(previewFrameOf(png)).toEqual({ contentType: 'image/png', data: Buffer.from('png bytes') });
  });

  it('takes other event types, unknown formats and empty frames for no preview', () => {
    expect(previewFrameOf(Buffer.concat([Buffer.from([0, 0, 0, 3, 0, 0, 0, 1]), Buffer.from('text')]))).toBeUndefined();
    expect(previewFrameOf(Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 7]), Buffer.from('webp')]))).toBeUndefined();
    expect(previewFrameOf(Buffer.from([0, 0, 0, 1, 0, 0, 0, 1]))).toBeUndefined();
  });
});

describe('previewThrottle', () => {
  it('admits the first preview at once and then at most one per interval', () => {
    let now = 1_000;
    const throttle = previewThrottle(500, () => now);
    const admitted = [0, 100, 499, 500, 900, 1_000, 1_001, 2_600].filter((at) => {
      now = 1_000 + at;
      return throttle.admit();
    });
    expect(admitted).toEqual([0, 500, 1_000, 2_600]);
  });
});

describe('promptProgress', () => {
  it('weighs a sampler by its steps and every other node as one, cached nodes done at once', () => {
    const progress = promptProgress(workflow);
    progress.cached(['4']);
    expect(progress.fraction()).toBeCloseTo(1 / 13);
    progress.executing('6');
    progress.executing('3');
    expect(progress.fraction()).toBeCloseTo(2 / 13);
    progress.stepped('3', 5, 10);
    expect(progress.fraction()).toBeCloseTo(7 / 13);
    progress.executing('9');
    progress.executed('9');
    expect(progress.fraction()).toBe(1);
  });

  it('takes a sampler’s weight from its progress messages when its steps come from another node', () => {
    const progress = promptProgress({ ...workflow, '3': { class_type: 'KSampler', inputs: { steps: ['20', 0] } } });
    progress.executing('3');
    progress.stepped(null, 10, 20);
    expect(progress.fraction()).toBeCloseTo(10 / 23);
    progress.executing(null);
    expect(progress.fraction()).toBe(1);
  });
});
