import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInCatalog, JobError } from '@atelier/contracts';
import { createLocalImageEngine, type Engine } from '@atelier/engines';
import { failGeneration } from '../../apps/worker/src/failGeneration.ts';
import { runGeneration } from '../../apps/worker/src/runGeneration.ts';
import { TestPlatform } from '../support/platform.ts';
import { inProcessWorkerDeps } from './support/inProcessWorker.ts';
import { creditMovesOf, expectExactLedger, jobRow, quickImage, submit } from '../reliability/support/jobs.ts';

const imageModel = builtInCatalog().defaultOf('image').id;

/** An engine whose picture is cut off halfway: it decodes in no viewer. */
const truncatingEngine: Engine<'image'> = {
  kind: 'image',
  name: 'truncating',
  async generate(request, ctx) {
    const [file] = await createLocalImageEngine().generate(request, ctx);
    return [{ ...file!, data: file!.data.subarray(0, file!.data.length / 2) }];
  },
};

let platform: TestPlatform;
beforeAll(async () => {
  platform = await TestPlatform.start();
});
afterAll(() => platform?.stop());

describe('an output that fails its check', () => {
  it('fails the attempt with invalid_output, and recording the failure refunds it and leaves none of its files', async () => {
    const user = await platform.createUser({ credits: 100 });
    const job = await submit(platform.baseUrl, user, 'image', quickImage);
    const deps = inProcessWorkerDeps(platform, imageModel, truncatingEngine);

    const failure = await runGeneration(deps, job.id, imageModel, new AbortController().signal).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(JobError);
    expect((failure as JobError).code).toBe('invalid_output');
    expect(await failGeneration(deps, job.id, failure as JobError)).toBe(true);

    expect(await jobRow(platform, job.id)).toMatchObject({ status: 'failed', error_code: 'invalid_output' });
    expect((await creditMovesOf(platform, job.id)).map((move) => move.kind)).toEqual(['reserve', 'refund']);
    const left = await readdir(join(platform.env.STORAGE_LOCAL_DIR!, 'users', user.user.id), { recursive: true, withFileTypes: true }).catch(() => []);
    expect(left.filter((entry) => entry.isFile()).map((entry) => entry.name)).toEqual([]);
    await expectExactLedger(platform, [user.user.id]);
    await deps.deadLetters.close();
  });
});
