import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { EsrganScale } from './esrganScale.ts';

const PACKAGE = '@upscalerjs/esrgan-slim';

export interface EsrganModelFiles {
  /** model.json as tfjs's converter wrote it: a Keras layers model and the manifest of its weights. */
  modelJson: { modelTopology: object; weightsManifest: { paths: string[]; weights: unknown[] }[] };
  weightData: ArrayBuffer;
}

/**
 * Reads the ESRGAN weights that ship inside the npm package, from disk: nothing is fetched.
 * The package's `exports` hide its folders, so its entry point is resolved and the package
 * root found above it.
 */
export async function readEsrganModelFiles(scale: EsrganScale): Promise<EsrganModelFiles> {
  const directory = join(packageRoot(), 'models', `x${scale}`);
  const modelJson = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8')) as EsrganModelFiles['modelJson'];
  const shards = await Promise.all(modelJson.weightsManifest.flatMap((group) => group.paths).map((path) => readFile(join(directory, path))));
  const weights = Buffer.concat(shards);
  return { modelJson, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer };
}

function packageRoot(): string {
  const entry = createRequire(import.meta.url).resolve(PACKAGE);
  const marker = join('node_modules', PACKAGE);
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`${PACKAGE} resolved outside node_modules: ${entry}`);
  return entry.slice(0, at + marker.length);
}
