import { z } from 'zod';
import { jobKinds, type JobKind } from '../jobs.ts';
import type { PriceFormula } from '../pricing.ts';
import { builtInModels } from './builtInModels.ts';
import { BuiltInOverride, ModelEntry, type Variation } from './modelEntry.ts';
import { priceFormulaOf, priceSchemaByKind } from './modelPrice.ts';
import { applyParamOverrides, painterParamFields, paramsSchemaOf, type ParamField, type ParamsSchema } from './paramFields.ts';

/** A catalog entry made ready to use: its params' own schema, its price formula and the variations it can make. */
export type CatalogModel = ModelEntry & {
  paramFields: Record<string, ParamField>;
  paramsSchema: ParamsSchema;
  priceFormula: PriceFormula;
  variations: Variation[];
};

/** The params an engine takes beyond its kind's; undefined: the kind's. */
function baseFieldsOf(entry: ModelEntry): Record<string, ParamField> | undefined {
  // An upscaler's output size is its input's times its scale: it has no params of its own.
  if (entry.engine === 'esrgan') return {};
  if (entry.engine === 'local-painter') return painterParamFields;
  return undefined;
}

/** What the entry says, or what its params allow: a new seed where it has one. Only the painter can keep a layout. */
function variationsOf(entry: ModelEntry, fields: Record<string, ParamField>, issues: Issue[], at: (string | number)[]): Variation[] {
  if (entry.variations === undefined) return entry.engine === 'local-painter' ? ['subtle', 'strong'] : 'seed' in fields ? ['strong'] : [];
  if (entry.variations.includes('subtle') && entry.engine !== 'local-painter')
    issues.push({ path: [...at, 'variations'], message: 'only the local painter can vary subtly (keep the layout, change the grain)' });
  return [...new Set(entry.variations)];
}

/** Every model this installation knows: the built-ins and the operator's file, hidden ones included. */
export class Catalog {
  private readonly byId: Map<string, CatalogModel>;

  constructor(readonly models: readonly CatalogModel[]) {
    this.byId = new Map(models.map((model) => [model.id, model]));
  }

  /** Any model, hidden or not: what a worker or a queued job may name. */
  get(id: string): CatalogModel | undefined {
    return this.byId.get(id);
  }

  /** A model people may choose: listed and accepted on submit. */
  listed(id: string): CatalogModel | undefined {
    const model = this.byId.get(id);
    return model && !model.hidden ? model : undefined;
  }

  visible(): CatalogModel[] {
    return this.models.filter((model) => !model.hidden);
  }

  defaultOf(kind: JobKind): CatalogModel {
    const model = this.models.find((m) => m.kind === kind && m.default && !m.hidden);
    // The catalog schema refuses a kind without a listed default, so this is a programming error.
    if (!model) throw new Error(`no default ${kind} model`);
    return model;
  }
}

type Issue = { path: (string | number)[]; message: string };

function prepare(entry: ModelEntry, issues: Issue[], at: (string | number)[]): CatalogModel | null {
  const { fields, problems } = applyParamOverrides(entry.kind, entry.params, baseFieldsOf(entry));
  for (const problem of problems) issues.push({ path: [...at, 'params', ...problem.path], message: problem.message });
  const price = priceSchemaByKind[entry.kind].safeParse(entry.price ?? {});
  if (!price.success) for (const issue of price.error.issues) issues.push({ path: [...at, 'price', ...issue.path.map(String)], message: issue.message });
  if (entry.engine === 'comfyui') {
    const bindable = new Set(['prompt', ...Object.keys(fields)]);
    for (const name of Object.keys(entry.bindings)) {
      if (!bindable.has(name))
        issues.push({ path: [...at, 'bindings', name], message: `binds no param: use prompt or one of ${Object.keys(fields).join(', ')}` });
    }
  }
  const variations = variationsOf(entry, fields, issues, at);
  if (problems.length > 0 || !price.success) return null;
  return {
    ...entry,
    variations,
    paramFields: fields,
    paramsSchema: paramsSchemaOf(fields),
    priceFormula: priceFormulaOf(entry.kind, price.data as Record<string, number>),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The catalog file: a list of entries. An entry with an `engine` adds a model; an entry
 * naming a built-in's id may only set its `hidden` and `default`. Ids must be unique, and
 * each kind ends with exactly one listed default (a file default replaces the built-in's).
 * Every problem is an issue with its path, so a broken file is reported whole.
 */
export const CatalogFile = z.array(z.unknown()).transform((items, ctx): Catalog => {
  const issues: Issue[] = [];
  const builtIns = builtInModels.map((entry) => ModelEntry.parse(entry));
  const builtInIds = new Set(builtIns.map((entry) => entry.id));
  const added: ModelEntry[] = [];
  const overrides = new Map<string, BuiltInOverride>();
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const id = isObject(item) && typeof item.id === 'string' ? item.id : undefined;
    if (id !== undefined && seen.has(id)) issues.push({ path: [index, 'id'], message: `"${id}" is already the id of entry ${seen.get(id)}` });
    else if (id !== undefined) seen.set(id, index);
    const builtIn = id !== undefined && builtInIds.has(id);
    const result = (builtIn ? BuiltInOverride : ModelEntry).safeParse(item);
    if (!result.success) {
      const hint = builtIn ? ' (an entry with a built-in id may set only hidden and default)' : '';
      for (const issue of result.error.issues)
        issues.push({ path: [index, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: issue.message + hint });
    } else if (builtIn) overrides.set(id, result.data as BuiltInOverride);
    else added.push(result.data as ModelEntry);
  });

  const fileDefaults = new Set([...added.filter((e) => e.default), ...[...overrides.values()].filter((o) => o.default)].map((e) => e.id));
  const merged = [...builtIns, ...added].map((entry) => {
    const override = overrides.get(entry.id);
    return { ...entry, hidden: override?.hidden ?? entry.hidden, default: override?.default ?? entry.default };
  });
  for (const kind of jobKinds) {
    const ofKind = merged.filter((entry) => entry.kind === kind);
    const chosenInFile = ofKind.filter((entry) => fileDefaults.has(entry.id));
    // A default named in the file takes over from the built-in's.
    const defaults = chosenInFile.length > 0 ? chosenInFile : ofKind.filter((entry) => entry.default);
    for (const entry of ofKind) entry.default = defaults.includes(entry);
    if (defaults.length > 1) issues.push({ path: [], message: `${kind}: ${defaults.map((e) => e.id).join(' and ')} are both marked default; mark one` });
    else if (defaults.length === 0 || defaults[0]!.hidden) issues.push({ path: [], message: `${kind}: no listed default model; mark one with default: true` });
  }

  const models = merged.map((entry) => {
    const index = seen.get(entry.id);
    return prepare(entry, issues, index === undefined ? [`built-in ${entry.id}`] : [index]);
  });
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return issues.length > 0 ? new Catalog([]) : new Catalog(models.filter((m) => m !== null));
});

/** The built-in models alone: the catalog of a process with no ATELIER_MODELS. */
export const builtInCatalog = (): Catalog => CatalogFile.parse([]);
