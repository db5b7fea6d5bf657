import { z } from 'zod';

/** What an API key may do: `generate` submits and cancels jobs, `read` reads jobs, streams and assets. */
export const apiKeyScopes = ['generate', 'read'] as const;
export const ApiKeyScope = z.enum(apiKeyScopes);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

/** Credits a key may reserve in one calendar month (UTC); null: no cap beyond the account's balance. */
export const MonthlyCreditCap = z.number().int().min(1).max(10_000_000).nullable();

const Scopes = z
  .array(ApiKeyScope)
  .min(1)
  .max(apiKeyScopes.length)
  .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat');

export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  /** Both when left out: a key made before scopes existed could do everything. */
  scopes: Scopes.default([...apiKeyScopes]),
  monthlyCreditCap: MonthlyCreditCap.default(null),
});

export const UpdateApiKeyBody = z
  .strictObject({ scopes: Scopes.optional(), monthlyCreditCap: MonthlyCreditCap.optional() })
  .refine((body) => body.scopes !== undefined || body.monthlyCreditCap !== undefined, 'send scopes, monthlyCreditCap or both');

export const ApiKeyView = z.object({
  id: z.string().uuid(),
  prefix: z.string(),
  name: z.string().nullable(),
  scopes: z.array(ApiKeyScope),
  monthlyCreditCap: z.number().int().nullable(),
  /** Credits reserved through this key in the current calendar month (UTC), refunds given back. */
  spentThisMonth: z.number().int(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;
