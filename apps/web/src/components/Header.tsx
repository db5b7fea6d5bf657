import { Link, NavLink } from 'react-router';
import { plans } from '@atelier/contracts';
import type { Me } from '../api/types.ts';
import { formatCredits } from '../lib/format.ts';
import { SignOutButton } from './SignOutButton.tsx';
import { UpgradeButton } from './UpgradeButton.tsx';

/** Brand, pages, and the account: plan and credit balance always in view. */
export function Header({ me }: { me: Me | null }) {
  return (
    <header className="topbar">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link to="/" className="brand" aria-label="Atelier, create">
        <span className="brand-mark" aria-hidden="true" />
        Atelier
      </Link>
      {me ? (
        <>
          <nav className="nav" aria-label="Main">
            <NavLink to="/" end>
              Create
            </NavLink>
            <NavLink to="/gallery">Gallery</NavLink>
            <NavLink to="/credits">Credits</NavLink>
            <NavLink to="/keys">API keys</NavLink>
          </nav>
          <div className="account">
            <span className={`plan plan-${me.plan}`} title="Your plan">
              {plans[me.plan].label}
            </span>
            <Link to="/credits" className="balance" aria-label={`Balance: ${formatCredits(me.credits)}`}>
              {formatCredits(me.credits)}
            </Link>
            {me.plan === 'free' ? <UpgradeButton /> : null}
            <span className="who">
              {me.avatarUrl ? <img src={me.avatarUrl} alt="" width={28} height={28} referrerPolicy="no-referrer" /> : null}
              <span className="who-name">{me.name ?? me.email}</span>
            </span>
          </div>
          <div className="signout">
            <SignOutButton />
          </div>
        </>
      ) : (
        <div className="account">
          <a className="button button-primary" href="/auth/google">
            Sign in
          </a>
        </div>
      )}
    </header>
  );
}
