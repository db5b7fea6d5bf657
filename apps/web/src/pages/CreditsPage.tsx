import { plans } from '@atelier/contracts';
import { useCredits } from '../api/queries.ts';
import type { CreditKind, Me } from '../api/types.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { LoadMore } from '../components/LoadMore.tsx';
import { UpgradeButton } from '../components/UpgradeButton.tsx';
import { formatCredits, formatDate, formatSignedCredits } from '../lib/format.ts';

const kindLabels: Record<CreditKind, string> = {
  grant: 'Granted',
  reserve: 'Reserved for a job',
  charge: 'Charged',
  refund: 'Refunded',
};

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
                    <span className={`badge ledger-${item.kind}`}>{kindLabels[item.kind] ?? item.kind}</span>
                    {item.reason ? <span className="ledger-reason">{item.reason}</span> : null}
                  </td>
                  <td className={item.amount < 0 ? 'num is-negative' : 'num is-positive'}>{formatSignedCredits(item.amount)}</td>
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
