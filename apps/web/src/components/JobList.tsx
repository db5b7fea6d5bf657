import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { isTerminal, type JobView } from '@atelier/contracts';
import { useJobs } from '../api/queries.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { JobCard } from './JobCard.tsx';

/**
 * Browsers allow six HTTP/1.1 connections per site, and each open EventSource holds one.
 * The newest unfinished jobs stream live; any beyond these follow the polled job list.
 */
export const MAX_LIVE_STREAMS = 4;

/** A finished job whose result was deleted from the gallery has nothing left to show. */
const resultDeleted = (job: JobView) => job.status === 'succeeded' && job.outputUrl === null;

/** A link to `/#job-<id>` (the credits history) scrolls to that card once the list has it. */
function useScrollToLinkedJob(loaded: boolean): void {
  const { hash } = useLocation();
  useEffect(() => {
    if (loaded && hash.startsWith('#job-')) document.getElementById(hash.slice(1))?.scrollIntoView({ block: 'center' });
  }, [loaded, hash]);
}

export function JobList() {
  const jobs = useJobs(MAX_LIVE_STREAMS);
  useScrollToLinkedJob(jobs.isSuccess);
  if (jobs.isPending)
    return (
      <p className="muted" role="status">
        Loading your jobs…
      </p>
    );
  if (jobs.isError) return <ErrorNotice error={jobs.error} />;

  const items = jobs.data.items.filter((job) => !resultDeleted(job));
  if (items.length === 0) return <p className="empty">Your jobs appear here as they run.</p>;
  const liveIds = new Set(
    items
      .filter((job) => !isTerminal(job.status))
      .slice(0, MAX_LIVE_STREAMS)
      .map((job) => job.id),
  );
  return (
    <div className="job-grid">
      {items.map((job) => (
        <JobCard key={job.id} job={job} live={liveIds.has(job.id)} />
      ))}
    </div>
  );
}
