import { Link } from 'react-router';
import { plans } from '@atelier/contracts';
import { useCredits, useModelName } from '../api/queries.ts';
import type { CreditKind, CreditLine, Me } from '../api/types.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { LoadMore } from '../components/LoadMore.tsx';
import { UpgradeButton } from '../components/UpgradeButton.tsx';
import { formatCredits, formatDate, formatSignedCredits, kindLabels as jobKindLabels } from '../lib/format.ts';

const kindLabels: Record<CreditKind, string> = {
  grant: 'Granted',
  reserve: 'Reserved for a job',
  charge: 'Charged',
  refund: 'Refunded',
};

type JobOfLine = NonNullable<CreditLine['job']>;

/** What the job cost in the end, in words: the badge and the sentence under it. */
function jobOutcome(job: JobOfLine): { badge: string; className: string; detail: string } {
  const parts = [`${formatCredits(job.reserved)} reserved`];
  if (job.charged > 0) parts.push(`${formatCredits(job.charged)} charged`);
  if (job.refunded > 0) parts.push(`${formatCredits(job.refunded)} refunded`);
  if (job.charged > 0) return { badge: 'Charged', className: 'ledger-charge', detail: parts.join(', ') };
  if (job.refunded >= job.reserved) return { badge: 'Refunded', className: 'ledger-refund', detail: parts.join(', ') };
  return { badge: 'Reserved', className: 'ledger-reserve', detail: `${parts.join(', ')}; settled when it finishes` };
}

function LineWhat({ line }: { line: CreditLine }) {
  const modelName = useModelName();
  if (!line.job) {
    return (
      <>
        <span className={`badge ledger-${line.kind}`}>{kindLabels[line.kind] ?? line.kind}</span>
        {line.reason ? <span className="ledger-reason">{line.reason}</span> : null}
      </>
    );
  }
  const outcome = jobOutcome(line.job);
  return (
    <>
      <span className={`badge ${outcome.className}`}>{outcome.badge}</span>
      <Link className="ledger-job" to={`/#job-${line.job.id}`}>
        {jobKindLabels[line.job.kind]} · {modelName(line.job.model)}: “{line.job.prompt}”
      </Link>
      <span className="ledger-reason">{outcome.detail}</span>
    </>
  );
}

export function CreditsPage({ me }: { me: Me }) {
  const credits = useCredits();
  const items = credits.data?.pages.flatMap((page) => page.items) ?? [];
  const balance = credits.data?.pages[0]?.balance ?? me.credits;
  const plan = plans[me.plan];

  return (
    <div className="page">
      <title>Credits · Atelier</title>
      <div className="page-head">
        <h1>Credits</h1>
      </div>
      <div className="credit-summary panel">
        <div>
          <p className="muted">Balance</p>
          <p className="credit-balance">{formatCredits(balance)}</p>
        </div>
        <div>
          <p className="muted">Plan</p>
          <p className="credit-plan">
            {plan.label} · {plan.monthlyCredits.toLocaleString('en-US')} credits a month · {plan.maxActiveJobs} jobs at once
          </p>
          {me.plan === 'free' ? <UpgradeButton /> : null}
        </div>
      </div>

      <h2>History</h2>
      {credits.isPending ? (
        <p className="muted" role="status">
          Loading your history…
        </p>
      ) : null}
      {credits.isError ? <ErrorNotice error={credits.error} /> : null}
      {credits.isSuccess && items.length === 0 ? <p className="empty">No credit movements yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="ledger">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col" className="num">
                  Credits
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>{formatDate(item.createdAt)}</td>
                  <td>
                    <LineWhat line={item} />
                  </td>
                  <td className={item.amount < 0 ? 'num is-negative' : item.amount > 0 ? 'num is-positive' : 'num'}>{formatSignedCredits(item.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore hasMore={credits.hasNextPage} loading={credits.isFetchingNextPage} onLoad={() => void credits.fetchNextPage()} />
    </div>
  );
}
