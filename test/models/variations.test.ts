import { describe, expect, it } from 'vitest';
import { builtInCatalog, CatalogFile } from '@atelier/contracts';

const variationsOf = (catalog: ReturnType<typeof builtInCatalog>) => Object.fromEntries(catalog.models.map((model) => [model.id, model.variations]));

describe('what each catalog model can vary', () => {
  it('gives the painter subtle and strong, a seeded model strong, a model without a seed none', () => {
    expect(variationsOf(builtInCatalog())).toMatchObject({
      'atelier/landscape-sketch': ['subtle', 'strong'],
      'atelier/landscape-pan': ['strong'],
      'atelier/image-pan': ['strong'],
      'atelier/espeak-voice': [],
      'atelier/esrgan-x2': [],
    });
    const file = CatalogFile.parse([
      { id: 'openai/gpt-image-1', engine: 'openai', kind: 'image', providerModel: 'gpt-image-1', name: 'x', description: 'x' },
      { id: 'openai/tts', engine: 'openai', kind: 'voice', providerModel: 'tts-1', name: 'x', description: 'x', variations: [] },
    ]);
    expect(variationsOf(file)).toMatchObject({ 'openai/gpt-image-1': ['strong'], 'openai/tts': [] });
  });

  it('refuses a subtle variation for any engine but the painter, naming the field', () => {
    const result = CatalogFile.safeParse([
      { id: 'openai/gpt-image-1', engine: 'openai', kind: 'image', providerModel: 'gpt-image-1', name: 'x', description: 'x', variations: ['subtle'] },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['0.variations', 'only the local painter can vary subtly (keep the layout, change the grain)'],
    ]);
  });

  it('lets only the painter take a grainSeed', () => {
    const catalog = builtInCatalog();
    expect(catalog.get('atelier/landscape-sketch')!.paramsSchema.parse({ seed: 1, grainSeed: 2 })).toMatchObject({ seed: 1, grainSeed: 2 });
    expect(catalog.get('atelier/landscape-pan')!.paramsSchema.safeParse({ grainSeed: 2 }).success).toBe(false);
  });
});
