'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeError } from '@/components/editor/api';
import { Button } from '@/components/ui/button';
import { inputBase } from '@/components/ui/field';
import { ROLES, hasRole, type Role } from '@/lib/auth/roles';
import { useIdentity } from './identity';
import { createToken, deleteToken, listTokens, type Token } from './admin-api';
import { ErrorLine } from '@/components/ui/error-line';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** API tokens for scripts and the CLI: a new one is shown once; revoking one ends it at once. */
export function TokensSection() {
  const user = useIdentity();
  const roles = ROLES.filter((role) => user && hasRole(user.role, role));
  const [tokens, setTokens] = useState<Token[]>([]);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => listTokens().then(setTokens, (e) => setError(describeError(e).message)), []);
  useEffect(() => void refresh(), [refresh]);

  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const days = Number(data.get('days'));
    setError(null);
    try {
      const token = await createToken({ name: String(data.get('name')), role: String(data.get('role')) as Role, ...(days > 0 ? { expiresInDays: days } : {}) });
      setCreated(token.token);
      await refresh();
    } catch (e) {
      setError(describeError(e).message);
    }
  };

  return (
    <section className="flex flex-col gap-2" data-testid="tokens-section">
      <h2 className="text-sm font-semibold text-slate-800">API tokens</h2>
      <p className="text-xs text-slate-500">
        Scripts send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as its owner, with at most the owner&apos;s role.
      </p>
      <table className="text-xs">
        <thead className="text-left text-slate-500">
          <tr>
            <th className="py-1">Name</th>
            <th>Owner</th>
            <th>Role</th>
            <th>Expires</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id} className="border-t border-slate-100" data-testid="token-row">
              <td className="py-1">{token.name}</td>
              <td>{token.owner}</td>
              <td>{token.role}</td>
              <td>{when(token.expiresAt)}</td>
              <td>{when(token.lastUsedAt)}</td>
              <td className="text-right">
                <Button tone="danger" onClick={() => void deleteToken(token.id).then(refresh, (e) => setError(describeError(e).message))}>
                  Revoke
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={(e) => void add(e)} className="flex flex-wrap items-center gap-2">
        <input name="name" required maxLength={100} placeholder="token name, e.g. nightly backfill" aria-label="Token name" className={inputBase} />
        <select name="role" defaultValue="viewer" aria-label="Token role" className={inputBase}>
          {roles.map((role) => (
            <option key={role}>{role}</option>
          ))}
        </select>
        <input name="days" type="number" min={0} max={3650} placeholder="days (empty: no expiry)" aria-label="Expires in days" className={`${inputBase} w-44`} />
        <Button type="submit" tone="primary">
          Create token
        </Button>
      </form>
      {created && (
        <p className="rounded bg-amber-50 p-2 text-xs text-amber-900" data-testid="new-token">
          Copy it now, it is not shown again: <code className="select-all break-all">{created}</code>
        </p>
      )}
      <ErrorLine message={error} />
    </section>
  );
}
