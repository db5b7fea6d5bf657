import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceHash } from '../../scripts/sourceHash.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'atelier-sources-'));
  await mkdir(join(root, 'src/pages'), { recursive: true });
  await writeFile(join(root, 'src/main.ts'), 'export const a = 1;\n');
  await writeFile(join(root, 'src/pages/home.ts'), 'export const home = true;\n');
  await writeFile(join(root, 'package.json'), '{}\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const inputs = ['src', 'package.json', 'not-there.json'];

describe('the source hash that decides whether npm start builds', () => {
  it('is the same for the same sources, whatever their modification times', async () => {
    const before = await sourceHash(root, inputs);
    await utimes(join(root, 'src/main.ts'), new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(await sourceHash(root, inputs)).toBe(before);
  });

  it('changes when a file changes, is added or is renamed', async () => {
    const original = await sourceHash(root, inputs);
    await writeFile(join(root, 'src/main.ts'), 'export const a = 2;\n');
    const edited = await sourceHash(root, inputs);
    expect(edited).not.toBe(original);
    await writeFile(join(root, 'src/pages/about.ts'), '');
    const added = await sourceHash(root, inputs);
    expect(added).not.toBe(edited);
    await rm(join(root, 'src/pages/about.ts'));
    await writeFile(join(root, 'src/pages/about2.ts'), '');
    expect(await sourceHash(root, inputs)).not.toBe(added);
  });
});
