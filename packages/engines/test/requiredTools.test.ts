import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInCatalog } from '@atelier/contracts';
import { createEngines, sharedEngineParts, toolsNeeded, unavailableModels, withoutUnavailable } from '@atelier/engines';

const catalog = builtInCatalog();
const models = { image: catalog.defaultOf('image').id, video: catalog.defaultOf('video').id, voice: catalog.defaultOf('voice').id };
const localModels = Object.values(models);
/** A PATH with nothing on it: every program is missing. */
let emptyPath: string;
beforeAll(async () => {
  emptyPath = await mkdtemp(join(tmpdir(), 'atelier-no-tools-'));
});
afterAll(async () => {
  await rm(emptyPath, { recursive: true, force: true });
});

describe('the programs each engine needs', () => {
  it('names them per engine, with the output check every video and voice goes through', () => {
    expect(toolsNeeded('image', 'local-painter')).toEqual([]);
    expect(toolsNeeded('video', 'local-video').sort()).toEqual(['ffmpeg', 'ffprobe']);
    expect(toolsNeeded('voice', 'local-voice').sort()).toEqual(['espeak-ng', 'ffmpeg', 'ffprobe']);
    expect(toolsNeeded('voice', 'openai').sort()).toEqual(['ffmpeg', 'ffprobe']);
  });

  it('on this machine, which has them, every built-in model is available', async () => {
    expect(await unavailableModels(catalog, localModels)).toEqual([]);
  });

  it('without them, says which models cannot run and what to install', async () => {
    const unavailable = await unavailableModels(catalog, localModels, { PATH: emptyPath });
    expect(unavailable.map(({ model }) => model)).toEqual([models.video, models.voice]);
    const voice = unavailable.find(({ model }) => model === models.voice)!;
    expect(voice.missing.sort()).toEqual(['espeak-ng', 'ffmpeg', 'ffprobe']);
    expect(voice.message).toContain('sudo apt-get install -y');
    expect(voice.message).toContain('espeak-ng');
  });

  it('an unavailable model is not served; the others are untouched', async () => {
    const engines = createEngines(catalog, localModels, {}, sharedEngineParts({ clientId: 'test', warn: () => undefined }));
    const served = withoutUnavailable(engines, await unavailableModels(catalog, localModels, { PATH: emptyPath }));
    expect([...served.keys()]).toEqual([models.image]);
    expect(served.get(models.image)).toBe(engines.get(models.image));
  });
});
