import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiKeyScopes, type ApiKeyScope, type ApiKeyView } from '@atelier/contracts';
import { apiFetch } from '../api/client.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { formatDate } from '../lib/format.ts';

const keysKey = ['keys'] as const;

interface Limits {
  scopes: ApiKeyScope[];
  monthlyCreditCap: number | null;
}

/** A cap field: empty means no cap. */
const capOf = (value: string): number | null => (value.trim() === '' ? null : Number(value));

function LimitsFields({ limits, onChange }: { limits: Limits; onChange: (limits: Limits) => void }) {
  const toggle = (scope: ApiKeyScope, on: boolean) =>
    onChange({ ...limits, scopes: on ? [...limits.scopes, scope] : limits.scopes.filter((s) => s !== scope) });
  return (
    <>
      {apiKeyScopes.map((scope) => (
        <label key={scope} className="checkbox">
          <input type="checkbox" checked={limits.scopes.includes(scope)} onChange={(event) => toggle(scope, event.target.checked)} /> {scope}
        </label>
      ))}
      <label>
        Monthly credit cap{' '}
        <input
          type="number"
          min={1}
          placeholder="none"
          value={limits.monthlyCreditCap ?? ''}
          onChange={(event) => onChange({ ...limits, monthlyCreditCap: capOf(event.target.value) })}
        />
      </label>
    </>
  );
}

function KeyRow({ apiKey }: { apiKey: ApiKeyView }) {
  const client = useQueryClient();
  const [limits, setLimits] = useState<Limits>({ scopes: apiKey.scopes, monthlyCreditCap: apiKey.monthlyCreditCap });
  const save = useMutation({
    mutationFn: () => apiFetch(`/api/keys/${apiKey.id}`, { method: 'PATCH', body: limits }),
    onSuccess: () => client.invalidateQueries({ queryKey: keysKey }),
  });
  const revoke = useMutation({
    mutationFn: () => apiFetch(`/api/keys/${apiKey.id}`, { method: 'DELETE', expect: 'none' }),
    onSuccess: () => client.invalidateQueries({ queryKey: keysKey }),
  });
  return (
    <li className="panel key-row">
      <p>
        <code>{apiKey.prefix}…</code> {apiKey.name ?? ''} · made {formatDate(apiKey.createdAt)} · {apiKey.spentThisMonth} credits spent this month
        {apiKey.monthlyCreditCap === null ? '' : ` of ${apiKey.monthlyCreditCap}`}
      </p>
      <LimitsFields limits={limits} onChange={setLimits} />
      <button type="button" onClick={() => save.mutate()} disabled={save.isPending || limits.scopes.length === 0}>
        Save
      </button>
      <button type="button" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
        Revoke
      </button>
      {save.isError ? <ErrorNotice error={save.error} /> : null}
      {revoke.isError ? <ErrorNotice error={revoke.error} /> : null}
    </li>
  );
}

/** The caller's API keys: what each may do (scopes) and spend (a monthly cap), a new one shown once. */
export function KeysPage() {
  const client = useQueryClient();
  const keys = useQuery({ queryKey: keysKey, queryFn: ({ signal }) => apiFetch<{ items: ApiKeyView[] }>('/api/keys', { signal }) });
  const [name, setName] = useState('');
  const [limits, setLimits] = useState<Limits>({ scopes: [...apiKeyScopes], monthlyCreditCap: null });
  const create = useMutation({
    mutationFn: () => apiFetch<{ key: string }>('/api/keys', { method: 'POST', body: { ...(name.trim() ? { name } : {}), ...limits } }),
    onSuccess: () => client.invalidateQueries({ queryKey: keysKey }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <div className="page">
      <title>API keys · Atelier</title>
      <div className="page-head">
        <h1>API keys</h1>
      </div>
      <form className="panel" onSubmit={submit}>
        <label>
          Name <input value={name} maxLength={100} onChange={(event) => setName(event.target.value)} />
        </label>
        <LimitsFields limits={limits} onChange={setLimits} />
        <button type="submit" disabled={create.isPending || limits.scopes.length === 0}>
          Create a key
        </button>
        {create.isError ? <ErrorNotice error={create.error} /> : null}
        {create.data ? (
          <p role="status">
            Your new key, shown this once: <code>{create.data.key}</code>
          </p>
        ) : null}
      </form>
      {keys.isError ? <ErrorNotice error={keys.error} /> : null}
      {keys.isSuccess && keys.data.items.length === 0 ? <p className="empty">No keys yet.</p> : null}
      <ul className="key-list">
        {keys.data?.items.map((apiKey) => (
          <KeyRow key={apiKey.id} apiKey={apiKey} />
        ))}
      </ul>
    </div>
  );
}
