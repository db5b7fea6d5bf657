import { describe, expect, it } from 'vitest';
import { builtInCatalog, CatalogFile, costOf, modelView } from '@atelier/contracts';
import { defaultInputs, paramFields, parseParams } from '../../apps/web/src/lib/paramFields.ts';
import { barsFromPeaks } from '../../apps/web/src/lib/waveform.ts';
import { downloadName } from '../../apps/web/src/lib/format.ts';

const catalog = builtInCatalog();
/** Each kind's default model as GET /api/models gives it: the form reads its JSON Schema. */
const modelOf = (kind: 'image' | 'video' | 'voice') => modelView(catalog.defaultOf(kind), true);

describe('paramFields', () => {
  it('reads controls, limits and defaults off a model’s params JSON Schema', () => {
    const image = paramFields(modelOf('image'));
    // The painter's grain seed too: what a subtle variation changes.
    expect(image.map((field) => field.name)).toEqual(['width', 'height', 'steps', 'seed', 'grainSeed']);
    expect(image[0]).toMatchObject({ type: 'number', min: 64, max: 1024, step: 1, default: 512, optional: false });
    expect(image[3]).toMatchObject({ name: 'seed', optional: true, default: undefined });
    expect(image[4]).toMatchObject({ name: 'grainSeed', label: 'Grain seed', optional: true, default: undefined });
    const voice = paramFields(modelOf('voice'));
    expect(voice.find((field) => field.name === 'format')).toMatchObject({ type: 'select', options: ['mp3', 'ogg', 'wav'], default: 'mp3' });
    expect(voice.find((field) => field.name === 'speed')).toMatchObject({ type: 'number', step: 0.1, min: 0.5, max: 2 });
  });

  it('parses defaults into params the cost can be computed from', () => {
    const parsed = parseParams(modelOf('video'), defaultInputs(modelOf('video')));
    expect(parsed).toEqual({ ok: true, params: { seconds: 2, fps: 12, width: 320, height: 240 } });
    if (parsed.ok) expect(costOf('video', 'x', parsed.params)).toBe(12);
  });

  it('follows a model’s own bounds', () => {
    const narrow = CatalogFile.parse([
      { id: 'x/fast', kind: 'image', engine: 'instant', name: 'Fast', description: 'x', params: { steps: { min: 1, max: 4, default: 2 } } },
    ]).get('x/fast')!;
    const fields = paramFields(modelView(narrow, false));
    expect(fields.find((field) => field.name === 'steps')).toMatchObject({ min: 1, max: 4, default: 2 });
    const parsed = parseParams(modelView(narrow, false), { ...defaultInputs(modelView(narrow, false)), steps: '10' });
    expect(parsed.ok === false && parsed.errors.steps).toBe('Steps must be at most 4.');
  });

  it('explains values out of range', () => {
    const parsed = parseParams(modelOf('image'), { ...defaultInputs(modelOf('image')), width: '4000', steps: '2.5', seed: '' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.errors.width).toBe('Width (px) must be at most 1024.');
      expect(parsed.errors.steps).toBe('Steps must be a whole number.');
    }
  });
});

describe('barsFromPeaks', () => {
  it('scales any number of peaks to the bar count, tallest at 1', () => {
    const bars = barsFromPeaks([0, 0.5, 0.25, 0.1, -0.5, 0.05], 3);
    expect(bars).toHaveLength(3);
    expect(Math.max(...bars)).toBe(1);
    expect(Math.min(...bars)).toBeGreaterThan(0);
    expect(barsFromPeaks([], 10)).toEqual([]);
    expect(barsFromPeaks([0, 0], 4)).toEqual([0.04, 0.04, 0.04, 0.04]);
  });
});

describe('downloadName', () => {
  it('makes a tidy file name', () => {
    expect(downloadName('voice', 'Hello, World!', 'audio/mpeg')).toBe('atelier-hello-world.mp3');
    expect(downloadName('image', '', 'image/png')).toBe('atelier-image.png');
  });
});
