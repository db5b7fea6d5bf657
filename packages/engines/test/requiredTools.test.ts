import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobError } from '@atelier/contracts';
import { createEngines, refusingUnavailable, toolsNeeded, unavailableKinds } from '@atelier/engines';

const localEngines = { IMAGE_ENGINE: 'local', VIDEO_ENGINE: 'local', VOICE_ENGINE: 'local' } as Parameters<typeof createEngines>[0];
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
    expect(toolsNeeded('image', 'local')).toEqual([]);
    expect(toolsNeeded('video', 'local').sort()).toEqual(['ffmpeg', 'ffprobe']);
    expect(toolsNeeded('voice', 'local').sort()).toEqual(['espeak-ng', 'ffmpeg', 'ffprobe']);
    expect(toolsNeeded('voice', 'openai').sort()).toEqual(['ffmpeg', 'ffprobe']);
  });

  it('on this machine, which has them, every kind is available', async () => {
    expect(await unavailableKinds(localEngines)).toEqual([]);
  });

  it('without them, says which kinds cannot run and what to install', async () => {
    const unavailable = await unavailableKinds(localEngines, { PATH: emptyPath });
    expect(unavailable.map(({ kind }) => kind)).toEqual(['video', 'voice']);
    const voice = unavailable.find(({ kind }) => kind === 'voice')!;
    expect(voice.missing.sort()).toEqual(['espeak-ng', 'ffmpeg', 'ffprobe']);
    expect(voice.message).toContain('sudo apt-get install -y');
    expect(voice.message).toContain('espeak-ng');
  });

  it('an unavailable kind refuses its jobs at once, not to be retried; the others are untouched', async () => {
    const engines = createEngines(localEngines);
    const unavailable = await unavailableKinds(localEngines, { PATH: emptyPath });
    const refusing = refusingUnavailable(engines, unavailable);
    expect(refusing.image).toBe(engines.image);
    const signal = new AbortController().signal;
    const refused = await refusing.voice
      .generate({ prompt: 'hello', params: {} as never }, { signal, progress: () => undefined, preview: async () => undefined })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(JobError);
    expect(refused).toMatchObject({ code: 'engine_unavailable', retryable: false });
    expect((refused as JobError).message).toContain('espeak-ng');
  });
});
