import { useId } from 'react';
import { isTerminal } from '@atelier/contracts';
import type { JobView } from '@atelier/contracts';
import { useCancelJob, useModelName } from '../api/queries.ts';
import { announcement, sizeOf } from '../jobs/streamReducer.ts';
import type { JobStreamState } from '../jobs/streamReducer.ts';
import { useJobStream } from '../jobs/useJobStream.ts';
import { downloadName, formatCredits, formatSeconds, kindLabels, sentence } from '../lib/format.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { JobMedia } from './JobMedia.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { ResultActions } from './ResultActions.tsx';
import { StatusBadge } from './StatusBadge.tsx';

interface Props {
  job: JobView;
  /** Whether this card may hold one of the page's few open event streams. */
  live: boolean;
}

export function JobCard({ job, live }: Props) {
  const { state, reconnect } = useJobStream(job, live);
  const cancel = useCancelJob();
  const modelName = useModelName();
  const titleId = useId();
  const finished = isTerminal(state.status);

  return (
    <article id={`job-${job.id}`} className={`job-card is-${state.status}`} aria-labelledby={titleId}>
      <JobMedia state={state} prompt={job.prompt} size={sizeOf(job)} />
      <div className="job-body">
        <div className="job-meta">
          <span className="badge">{kindLabels[job.kind]}</span>
          <StatusBadge status={state.status} />
          <span className="job-cost">{formatCredits(job.cost)}</span>
        </div>
        <p className="job-prompt" id={titleId}>
          {job.prompt}
        </p>
        <p className="job-model">{modelName(job.model)}</p>

        {!finished ? (
          <>
            <ProgressBar percent={state.percent} label={`Progress of ${kindLabels[job.kind].toLowerCase()} job`} />
            <p className="job-detail" aria-hidden="true">
              {detailOf(state)}
            </p>
          </>
        ) : null}
        <p className="sr-only" role="status">
          {announcement(state)}
        </p>

        {state.error?.retrying && !finished ? <p className="notice">Retrying after a problem: {state.error.message}</p> : null}
        {state.status === 'failed' ? (
          <p className="notice notice-error">
            {sentence(state.error?.message ?? 'The job failed')} {formatCredits(job.cost)} refunded to your balance.
          </p>
        ) : null}
        {state.status === 'canceled' ? <p className="notice notice-refund">Canceled. {formatCredits(job.cost)} refunded to your balance.</p> : null}
        {live && !finished && state.connection === 'reconnecting' ? <p className="job-detail">Reconnecting…</p> : null}
        {live && !finished && state.connection === 'closed' ? (
          <p className="notice">
            Live updates stopped.{' '}
            <button type="button" className="link-button" onClick={reconnect}>
              Reconnect
            </button>
          </p>
        ) : null}

        <div className="job-actions">
          {!finished ? (
            <button type="button" className="button button-quiet" onClick={() => cancel.mutate(job.id)} disabled={cancel.isPending}>
              {cancel.isPending ? 'Canceling…' : 'Cancel'}
            </button>
          ) : null}
          {state.status === 'succeeded' && state.output ? (
            <a className="button button-quiet" href={state.output.url} download={downloadName(job.kind, job.prompt, state.output.contentType)}>
              Download
            </a>
          ) : null}
        </div>
        {cancel.isError ? <ErrorNotice error={cancel.error} /> : null}
        {job.kind === 'image' && state.status === 'succeeded' && state.output?.assetId ? <ResultActions assetId={state.output.assetId} recipe={job} /> : null}
      </div>
    </article>
  );
}

function detailOf(state: JobStreamState): string {
  if (state.status === 'queued') {
    if (!state.queue) return 'Waiting in the queue…';
    const eta = state.queue.etaSeconds > 0 ? `, starts in about ${formatSeconds(state.queue.etaSeconds)}` : '';
    return state.queue.position > 0 ? `Position ${state.queue.position} in the queue${eta}` : `Next in the queue${eta}`;
  }
  return `${state.percent}%`;
}
