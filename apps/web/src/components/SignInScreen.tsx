import { plans } from '@atelier/contracts';
import { messageOf } from '../api/errors.ts';

interface Props {
  /** Why the session could not be checked; null when the API said "signed out". */
  error: unknown;
  onRetry: () => void;
  retrying: boolean;
}

export function SignInScreen({ error, onRetry, retrying }: Props) {
  return (
    <section className="signin panel" aria-labelledby="signin-title">
      <title>Sign in · Atelier</title>
      <span className="signin-art" aria-hidden="true" />
      <h1 id="signin-title">Sign in to Atelier</h1>
      <p className="lead">Turn a sentence into an image, a short video or a voice clip, and watch it take shape live.</p>
      {error ? (
        <div className="notice notice-error" role="alert">
          <p>We could not check whether you are signed in. {messageOf(error)}</p>
          <button type="button" className="button button-quiet" onClick={onRetry} disabled={retrying}>
            {retrying ? 'Trying again…' : 'Try again'}
          </button>
        </div>
      ) : null}
      <a className="button button-primary button-large" href="/auth/google">
        Continue with Google
      </a>
      <p className="signin-foot">
        New here? Signing in creates your account with {plans.free.startingCredits} free credits. <a href="/">What is Atelier?</a>
      </p>
    </section>
  );
}
