import { z } from 'zod';
import { paramsByKind } from '@atelier/contracts';
import type { JobKind } from '@atelier/contracts';

/** One form control, read off a kind's params schema in packages/contracts. */
export type ParamField =
  | { name: string; label: string; type: 'number'; min: number; max: number; step: number; default: number | undefined; optional: boolean }
  | { name: string; label: string; type: 'select'; options: readonly string[]; default: string | undefined; optional: boolean };

const labels: Record<string, string> = {
  width: 'Width (px)',
  height: 'Height (px)',
  steps: 'Steps',
  seed: 'Seed',
  seconds: 'Length (seconds)',
  fps: 'Frames per second',
  voice: 'Voice',
  speed: 'Speed',
  format: 'Format',
};

const labelOf = (name: string): string => labels[name] ?? name.charAt(0).toUpperCase() + name.slice(1);

export function paramFields(kind: JobKind): ParamField[] {
  const fields: ParamField[] = [];
  for (const [name, schema] of Object.entries(paramsByKind[kind].shape)) {
    let inner: z.ZodType = schema;
    let fallback: unknown;
    let optional = false;
    if (inner instanceof z.ZodDefault) {
      fallback = inner.def.defaultValue;
      inner = inner.unwrap() as z.ZodType;
    }
    if (inner instanceof z.ZodOptional) {
      optional = true;
      inner = inner.unwrap() as z.ZodType;
    }
    const label = labelOf(name);
    if (inner instanceof z.ZodNumber) {
      fields.push({
        name,
        label,
        type: 'number',
        min: inner.minValue ?? 0,
        max: inner.maxValue ?? Number.MAX_SAFE_INTEGER,
        step: inner.isInt ? 1 : 0.1,
        default: typeof fallback === 'number' ? fallback : undefined,
        optional,
      });
    } else if (inner instanceof z.ZodEnum) {
      fields.push({
        name,
        label,
        type: 'select',
        options: inner.options.map(String),
        default: typeof fallback === 'string' ? fallback : undefined,
        optional,
      });
    }
  }
  return fields;
}

/** Form values as typed: strings straight from the inputs. */
export type ParamInputs = Record<string, string>;

export function defaultInputs(kind: JobKind): ParamInputs {
  const inputs: ParamInputs = {};
  for (const field of paramFields(kind)) inputs[field.name] = field.default === undefined ? '' : String(field.default);
  return inputs;
}

export type ParsedParams = { ok: true; params: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

/** Check the inputs against the contracts' schema; blank optional fields are left out. */
export function parseParams(kind: JobKind, inputs: ParamInputs): ParsedParams {
  const raw: Record<string, unknown> = {};
  for (const field of paramFields(kind)) {
    const text = (inputs[field.name] ?? '').trim();
    if (text === '') continue;
    raw[field.name] = field.type === 'number' ? Number(text) : text;
  }
  const result = paramsByKind[kind].safeParse(raw);
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
