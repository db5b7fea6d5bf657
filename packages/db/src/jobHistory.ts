import type { Queryable } from './pool.ts';

/** One claim of a job by a worker, as `claimJob` wrote it and the attempt's end closed it. */
export interface JobAttempt {
  jobId: string;
  attempt: number;
  reservationRound: number;
  workerId: string;
  claimedAt: Date;
  endedAt: Date | null;
  /** succeeded | failed | canceled | retrying | returned | abandoned; null while it runs. */
  outcome: string | null;
  errorCode: string | null;
}

/** The attempts of some jobs, each job's in order. */
export async function listJobAttempts(db: Queryable, jobIds: string[]): Promise<Map<string, JobAttempt[]>> {
  const { rows } = await db.query<JobAttempt>(
    `SELECT job_id AS "jobId", attempt, reservation_round AS "reservationRound", worker_id AS "workerId",
            claimed_at AS "claimedAt", ended_at AS "endedAt", outcome, error_code AS "errorCode"
     FROM job_history WHERE job_id = ANY($1::uuid[]) ORDER BY job_id, attempt`,
    [jobIds],
  );
  const byJob = new Map<string, JobAttempt[]>(jobIds.map((id) => [id, []]));
  for (const row of rows) byJob.get(row.jobId)?.push(row);
  return byJob;
}
