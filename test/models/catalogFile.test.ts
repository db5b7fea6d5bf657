import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readCatalogFile } from '@atelier/config';
import { Catalog } from '@atelier/contracts';
import { catalogFile } from '../support/catalogFiles.ts';

const run = promisify(execFile);
const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;

const workflow = JSON.stringify({
  '3': { class_type: 'KSampler', inputs: { seed: 1, steps: 4 } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512 } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: '' } },
  '9': { class_type: 'SaveImage', inputs: {} },
});
const sdxlTurbo = {
  id: 'comfyui/sdxl-turbo',
  kind: 'image',
  engine: 'comfyui',
  name: 'SDXL Turbo',
  description: 'On our GPU.',
  baseUrl: 'http://127.0.0.1:8188',
  workflow: 'workflows/sdxl-turbo.json',
  bindings: { prompt: '6.inputs.text', seed: '3.inputs.seed', steps: '3.inputs.steps', width: '5.inputs.width', height: '5.inputs.height' },
  output: '9',
  params: { steps: { min: 1, max: 8, default: 4 }, width: { max: 1024 }, height: { max: 1024 } },
  price: { base: 1, perMegapixel: 4 },
};

describe('the catalog file', () => {
  it('adds models to the built-ins, resolves a workflow beside the file, and can hide a built-in or enable the instant one', () => {
    const path = catalogFile(
      [
        { ...sdxlTurbo, workflow: 'sdxl-turbo.json', default: true },
        { id: 'openai/gpt-image-1', kind: 'image', engine: 'openai', name: 'GPT Image', description: 'OpenAI.', providerModel: 'gpt-image-1' },
        { id: 'atelier/espeak-voice', hidden: true },
        { id: 'openai/tts', kind: 'voice', engine: 'openai', name: 'TTS', description: 'OpenAI.', providerModel: 'gpt-4o-mini-tts', default: true },
      ],
      { 'sdxl-turbo.json': workflow },
    );
    const catalog = readCatalogFile(path);
    expect(catalog).toBeInstanceOf(Catalog);
    const models = catalog as Catalog;
    expect(models.defaultOf('image').id).toBe('comfyui/sdxl-turbo');
    expect(models.defaultOf('voice').id).toBe('openai/tts');
    expect(models.listed('atelier/espeak-voice')).toBeUndefined();
    expect(models.get('atelier/landscape-sketch')?.default).toBe(false);
    const comfy = models.get('comfyui/sdxl-turbo')!;
    expect(comfy.engine === 'comfyui' && comfy.workflow).toBe(join(dirname(path), 'sdxl-turbo.json'));
    expect(comfy.paramsSchema.parse({})).toMatchObject({ steps: 4, width: 512, height: 512 });
    expect(comfy.paramsSchema.safeParse({ steps: 9 }).success).toBe(false);
  });

  it('names every problem with its place in the file', () => {
    const path = catalogFile(
      [
        { ...sdxlTurbo, params: { steps: { max: 80 }, colour: { default: 1 } }, price: { base: 1, perSecond: 2 } },
        { ...sdxlTurbo, bindings: { prompt: '6.text', mood: '6.inputs.text' } },
        { id: 'Bad Id', kind: 'image', engine: 'openai', name: 'x', description: 'x' },
        { id: 'atelier/landscape-sketch', engine: 'local-painter', kind: 'image', name: 'mine', description: 'x' },
        { id: 'x/y', kind: 'image', engine: 'stable-diffusion', name: 'x', description: 'x' },
      ],
      {},
    );
    const problems = readCatalogFile(path) as string[];
    expect(Array.isArray(problems)).toBe(true);
    const at = (where: string) => problems.filter((p) => p.startsWith(`${path} ${where}:`));
    expect(at('[0].params.steps')[0]).toContain('within 1–50');
    expect(at('[0].params.colour')[0]).toContain('no param "colour"');
    expect(at('[0].price')[0]).toContain('perSecond');
    expect(at('[1].id')[0]).toContain('already the id of entry 0');
    expect(at('[1].bindings.prompt')[0]).toContain('<node id>.inputs.<input name>');
    expect(at('[2].id')[0]).toContain('owner/name');
    expect(at('[2].providerModel')).toHaveLength(1);
    expect(at('[3]')[0]).toContain('may set only hidden and default');
    expect(at('[4].engine')[0]).toContain('comfyui');
  });

  it('refuses a catalog that leaves a kind without one listed default, and a workflow that is not there', () => {
    const twoDefaults = catalogFile([
      { id: 'atelier/instant-test-image', hidden: false, default: true },
      { id: 'openai/gpt-image-1', kind: 'image', engine: 'openai', name: 'GPT Image', description: 'x', providerModel: 'gpt-image-1', default: true },
      { id: 'atelier/landscape-pan', hidden: true },
    ]);
    expect(readCatalogFile(twoDefaults)).toEqual([
      `${twoDefaults} (file): image: atelier/instant-test-image and openai/gpt-image-1 are both marked default; mark one`,
      `${twoDefaults} (file): video: no listed default model; mark one with default: true`,
    ]);
    const missing = catalogFile([sdxlTurbo]);
    expect(readCatalogFile(missing)).toEqual([expect.stringMatching(/\(comfyui\/sdxl-turbo\): workflow .*workflows\/sdxl-turbo\.json: ENOENT/)]);
    const wrongNode = catalogFile([{ ...sdxlTurbo, workflow: 'w.json', output: '99' }], { 'w.json': workflow });
    expect(readCatalogFile(wrongNode)).toEqual([`${wrongNode} (comfyui/sdxl-turbo): output: node "99" is not in ${join(dirname(wrongNode), 'w.json')}`]);
  });

  it('takes the example in docs/', () => {
    const example = readCatalogFile(new URL('../../docs/models.example.yaml', import.meta.url).pathname);
    expect(example).toBeInstanceOf(Catalog);
    expect((example as Catalog).defaultOf('image').id).toBe('comfyui/sdxl-turbo');
  });

  it('stops the API and the worker at start-up, naming each problem', async () => {
    const path = catalogFile([{ ...sdxlTurbo, workflow: 'w.json', params: { steps: { max: 80 } } }], { 'w.json': workflow });
    const env = { PATH: process.env.PATH, DATABASE_URL: 'postgres://x@127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1', ATELIER_MODELS: path };
    const failures = await Promise.all(
      ['api', 'worker'].map((role) =>
        run(process.execPath, [atelierBin, role], { env }).then(
          () => null,
          (error: { code: number; stderr: string }) => error,
        ),
      ),
    );
    for (const failure of failures) {
      expect(failure?.code).toBe(78);
      expect(failure?.stderr).toContain(`ATELIER_MODELS: ${path} [0].params.steps: min and max must stay within 1–50`);
    }
  });
});
