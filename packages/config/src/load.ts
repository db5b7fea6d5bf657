import type { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parse the environment once, at start-up, with one schema. Each problem names its variable.
 * Variables that look like ours (ATELIER_*) but are unknown are refused too: a typo fails loudly.
 */
export function parseConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const known = new Set(Object.keys(schema.shape));
  const unknown = Object.keys(env).filter((name) => name.startsWith('ATELIER_') && !known.has(name));
  const result = schema.safeParse(env);
  const issues = unknown.map((name) => `${name}: unknown variable`);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return result.data as z.infer<S>;
}

/** For `main` functions: print the problem and stop the process. */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
