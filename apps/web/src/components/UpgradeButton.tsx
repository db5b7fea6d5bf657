import { plans } from '@atelier/contracts';
import { useCheckout, useMe } from '../api/queries.ts';
import { messageOf } from '../api/errors.ts';

/** Starts Stripe Checkout for Pro; nothing at all on a server without billing, where it could only fail. */
export function UpgradeButton({ compact = false }: { compact?: boolean }) {
  const checkout = useCheckout();
  const me = useMe();
  if (!me.data?.upgradeAvailable) return null;
  return (
    <span className={compact ? 'upgrade is-compact' : 'upgrade'}>
      <button
        type="button"
        className={compact ? 'link-button' : 'button button-accent'}
        onClick={() => checkout.mutate()}
        disabled={checkout.isPending || checkout.isSuccess}
      >
        {checkout.isPending || checkout.isSuccess ? (
          'Opening checkout…'
        ) : (
          <>
            <span className="upgrade-long">
              Upgrade to {plans.pro.label} · ${plans.pro.priceUsdMonthly}/mo
            </span>
            <span className="upgrade-short">Go {plans.pro.label}</span>
          </>
        )}
      </button>
      {checkout.isError ? (
        <span className="upgrade-error" role="alert">
          {messageOf(checkout.error)}
        </span>
      ) : null}
    </span>
  );
}
