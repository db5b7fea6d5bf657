import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { builtInCatalog, Catalog, CatalogFile, type CatalogModel } from '@atelier/contracts';

/** `[2].params.steps`: where in the file a problem is. */
const where = (path: readonly PropertyKey[]): string =>
  path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('') || '(file)';

/** Read a catalog file (YAML, or JSON, which is YAML too) and check it whole: the catalog, or every problem. */
export function readCatalogFile(path: string): Catalog | string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return [`cannot read ${path}: ${(error as Error).message}`];
  }
  let items: unknown;
  try {
    items = parseYaml(text);
  } catch (error) {
    return [`${path} is not valid YAML or JSON: ${(error as Error).message}`];
  }
  const parsed = CatalogFile.safeParse(items ?? []);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${path} ${where(issue.path)}: ${issue.message}`);
  const problems = checkWorkflows(parsed.data, dirname(path)).map(({ id, message }) => `${path} (${id}): ${message}`);
  return problems.length > 0 ? problems : parsed.data;
}

/**
 * A ComfyUI entry's workflow is read now (its path made absolute, relative to the catalog
 * file), and each binding and the output must name a node in it. Whether the node has that
 * input is the server's to say: the engine checks against its `/object_info` at start-up.
 */
function checkWorkflows(catalog: Catalog, baseDir: string): { id: string; message: string }[] {
  const problems: { id: string; message: string }[] = [];
  for (const model of catalog.models) {
    if (model.engine !== 'comfyui') continue;
    const file = resolve(baseDir, model.workflow);
    (model as Extract<CatalogModel, { engine: 'comfyui' }>).workflow = file;
    let workflow: unknown;
    try {
      workflow = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push({ id: model.id, message: `workflow ${file}: ${(error as Error).message}` });
      continue;
    }
    if (typeof workflow !== 'object' || workflow === null || Array.isArray(workflow)) {
      problems.push({ id: model.id, message: `workflow ${file}: not an API-format workflow (an object of nodes by id)` });
      continue;
    }
    const nodes = workflow as Record<string, unknown>;
    for (const [param, binding] of Object.entries(model.bindings)) {
      const node = binding.split('.')[0]!;
      if (!(node in nodes)) problems.push({ id: model.id, message: `bindings.${param}: node "${node}" is not in ${file}` });
    }
    if (!(model.output in nodes)) problems.push({ id: model.id, message: `output: node "${model.output}" is not in ${file}` });
  }
  return problems;
}

/**
 * ATELIER_MODELS: the path of the catalog file, read and checked with the rest of the
 * environment, so a broken file stops the process like any bad variable, each problem named.
 * Parsed, the variable is the catalog itself (the built-in models alone when unset).
 */
export const catalogConfig = {
  ATELIER_MODELS: z
    .string()
    .min(1)
    .optional()
    .transform((path, ctx): Catalog => {
      if (path === undefined) return builtInCatalog();
      const catalog = readCatalogFile(path);
      if (catalog instanceof Catalog) return catalog;
      for (const message of catalog) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }),
};
