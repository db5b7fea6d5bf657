import { InferenceClient } from '@huggingface/inference';
import { ConfigError } from '@atelier/config';
import type { EngineConfig } from '../engineConfig.ts';

/**
 * The official client: against HF_ENDPOINT_URL (a dedicated Inference Endpoint) when set,
 * else through Hugging Face's Inference Providers, which need HF_TOKEN.
 */
export function huggingFaceClientOf(config: EngineConfig): InferenceClient {
  if (!config.HF_TOKEN && !config.HF_ENDPOINT_URL) {
    throw new ConfigError(['HF_TOKEN: required when an engine is huggingface (unless HF_ENDPOINT_URL points at an endpoint that needs none)']);
  }
  return new InferenceClient(config.HF_TOKEN, config.HF_ENDPOINT_URL ? { endpointUrl: config.HF_ENDPOINT_URL } : {});
}

/**
 * The SDK's own retry on 503 asks again at once, without end, while a model loads: a loop
 * without a sleep. The job queue retries instead, with backoff.
 */
export const noRetry = { retry_on_error: false } as const;
