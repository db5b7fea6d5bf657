import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'atelier-catalogs-'));
let written = 0;

/** A catalog file with these entries (as JSON, which is YAML too: docs/models.example.yaml is the YAML one tested), for ATELIER_MODELS; `files` are written beside it (workflows). */
export function catalogFile(entries: unknown[], files: Record<string, string> = {}): string {
  const folder = mkdtempSync(join(dir, `catalog-${++written}-`));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  const path = join(folder, 'models.json');
  writeFileSync(path, JSON.stringify(entries, null, 2));
  return path;
}

/** The built-in instant image engine listed and made the image default: for tests and benchmarks of what surrounds an engine. */
export const INSTANT_IMAGE_MODEL = 'atelier/instant-test-image';
export const instantImagesCatalog = (): string => catalogFile([{ id: INSTANT_IMAGE_MODEL, hidden: false, default: true }]);
