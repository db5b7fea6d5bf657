import { useSignOut } from '../api/queries.ts';
import { messageOf } from '../api/errors.ts';

export function SignOutButton() {
  const signOut = useSignOut();
  return (
    <>
      <button type="button" className="button button-quiet" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        {signOut.isPending ? 'Signing out…' : 'Sign out'}
      </button>
      {signOut.isError ? (
        <span className="upgrade-error" role="alert">
          {messageOf(signOut.error)}
        </span>
      ) : null}
    </>
  );
}
