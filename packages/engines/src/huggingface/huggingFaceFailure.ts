import { InferenceClientHubApiError, InferenceClientProviderApiError, InferenceClientProviderOutputError } from '@huggingface/inference';
import { JobError } from '@atelier/contracts';
import { failureForStatus, providerUnreachable } from '../providers/providerFailure.ts';

/**
 * Hugging Face has no error code for a refused prompt: endpoints and providers say so in
 * words, in an `error` string. These are the words they use.
 */
const contentPolicyWords = /content policy|safety|nsfw|unsafe|inappropriate|moderation/i;

export function huggingFaceFailure(error: unknown): JobError | undefined {
  if (error instanceof InferenceClientProviderApiError || error instanceof InferenceClientHubApiError) {
    const { status, body } = error.httpResponse;
    return failureForStatus('Hugging Face', status, error.message, contentPolicyWords.test(JSON.stringify(body)));
  }
  if (error instanceof InferenceClientProviderOutputError) {
    return new JobError('invalid_output', `Hugging Face answered with something unexpected: ${error.message}`, { cause: error });
  }
  // fetch's own way of saying the connection failed (refused, reset, DNS).
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return providerUnreachable('Hugging Face', String((error.cause as Error | undefined)?.message ?? error.message), error);
  }
  return undefined;
}
