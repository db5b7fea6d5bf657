import type { JobStatus } from '@atelier/contracts';

const labels: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
};

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span className={`badge status-${status}`}>{labels[status]}</span>;
}
