import { APIConnectionError, APIError } from 'openai';
import type { JobError } from '@atelier/contracts';
import { failureForStatus, providerUnreachable } from '../providers/providerFailure.ts';

/** The `error.code`s OpenAI documents for a prompt its safety system refused. */
const contentPolicyCodes = new Set(['content_policy_violation', 'moderation_blocked']);

export function openAiFailure(error: unknown): JobError | undefined {
  if (error instanceof APIConnectionError) return providerUnreachable('OpenAI', error.message, error);
  if (error instanceof APIError && error.status !== undefined) {
    return failureForStatus('OpenAI', error.status, error.message, contentPolicyCodes.has(error.code ?? ''));
  }
  return undefined;
}

export function isContentPolicyCode(code: string): boolean {
  return contentPolicyCodes.has(code);
}
