import OpenAI from 'openai';
import { ConfigError } from '@atelier/config';
import type { EngineConfig } from '../engineConfig.ts';

/**
 * The official client, at OPENAI_BASE_URL when set. It does not retry: the job queue owns
 * retries, with backoff and a record of each attempt, and two retry loops would multiply.
 */
export function openAiClientOf(config: EngineConfig): OpenAI {
  if (!config.OPENAI_API_KEY) throw new ConfigError(['OPENAI_API_KEY: required when an engine is openai']);
  return new OpenAI({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, maxRetries: 0 });
}
