import { z } from 'zod';
import type { ModelView } from '@atelier/contracts';

/** One form control, read off a model's params JSON Schema (`GET /api/models`). */
export type ParamField =
  | { name: string; label: string; type: 'number'; min: number; max: number; step: number; default: number | undefined; optional: boolean }
  | { name: string; label: string; type: 'select'; options: readonly string[]; default: string | undefined; optional: boolean };

interface PropertySchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

const labels: Record<string, string> = {
  width: 'Width (px)',
  height: 'Height (px)',
  steps: 'Steps',
  seed: 'Seed',
  grainSeed: 'Grain seed',
  seconds: 'Length (seconds)',
  fps: 'Frames per second',
  voice: 'Voice',
  speed: 'Speed',
  format: 'Format',
};

const labelOf = (name: string): string => labels[name] ?? name.charAt(0).toUpperCase() + name.slice(1);

/** The model's params, as the API publishes them: the form shows exactly what that model takes. */
export function paramFields(model: Pick<ModelView, 'params'>): ParamField[] {
  const properties = (model.params.properties ?? {}) as Record<string, PropertySchema>;
  const required = new Set((model.params.required ?? []) as string[]);
  const fields: ParamField[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const label = labelOf(name);
    // With io: 'input', a field with a default is not required: only one with neither is optional in the form's sense.
    const optional = !required.has(name) && property.default === undefined;
    if (property.enum) {
      fields.push({
        name,
        label,
        type: 'select',
        options: property.enum.map(String),
        default: typeof property.default === 'string' ? property.default : undefined,
        optional,
      });
    } else if (property.type === 'integer' || property.type === 'number') {
      fields.push({
        name,
        label,
        type: 'number',
        min: property.minimum ?? 0,
        max: property.maximum ?? Number.MAX_SAFE_INTEGER,
        step: property.type === 'integer' ? 1 : 0.1,
        default: typeof property.default === 'number' ? property.default : undefined,
        optional,
      });
    }
  }
  return fields;
}

/** Form values as typed: strings straight from the inputs. */
export type ParamInputs = Record<string, string>;

export function defaultInputs(model: Pick<ModelView, 'params'>): ParamInputs {
  const inputs: ParamInputs = {};
  for (const field of paramFields(model)) inputs[field.name] = field.default === undefined ? '' : String(field.default);
  return inputs;
}

export type ParsedParams = { ok: true; params: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

const schemas = new WeakMap<object, z.ZodType>();
/** The same JSON Schema the API made from the zod schema it checks submits with, read back into zod. */
function schemaOf(model: Pick<ModelView, 'params'>): z.ZodType {
  let schema = schemas.get(model.params);
  if (!schema) schemas.set(model.params, (schema = z.fromJSONSchema(model.params as Parameters<typeof z.fromJSONSchema>[0])));
  return schema;
}

/** Check the inputs against the model's schema; blank optional fields are left out. */
export function parseParams(model: Pick<ModelView, 'params'>, inputs: ParamInputs): ParsedParams {
  const raw: Record<string, unknown> = {};
  for (const field of paramFields(model)) {
    const text = (inputs[field.name] ?? '').trim();
    if (text === '') continue;
    raw[field.name] = field.type === 'number' ? Number(text) : text;
  }
  const result = schemaOf(model).safeParse(raw);
  if (result.success) return { ok: true, params: result.data as Record<string, unknown> };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? 'params');
    errors[name] ??= readableIssue(issue, labelOf(name));
  }
  return { ok: false, errors };
}

function readableIssue(issue: z.core.$ZodIssue, label: string): string {
  switch (issue.code) {
    case 'too_small':
      return `${label} must be at least ${String(issue.minimum)}.`;
    case 'too_big':
      return `${label} must be at most ${String(issue.maximum)}.`;
    case 'invalid_type':
      return issue.expected === 'int' ? `${label} must be a whole number.` : `${label} must be a number.`;
    default:
      return `${label}: ${issue.message}`;
  }
}
