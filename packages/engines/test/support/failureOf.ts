import { expect } from 'vitest';
import { JobError } from '@atelier/contracts';
import { settleTimed } from './recordingContext.ts';

/** The JobError a run rejects with; fails the test if it resolves or rejects with anything else. */
export async function failureOf(run: Promise<unknown>): Promise<JobError> {
  const { error } = await settleTimed(run);
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}
