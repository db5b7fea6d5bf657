import { messageOf } from '../api/errors.ts';

/** Shows a failure's human message; never a code, raw JSON or a stack. */
export function ErrorNotice({ error }: { error: unknown }) {
  return (
    <p className="notice notice-error" role="alert">
      {messageOf(error)}
    </p>
  );
}
