'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeError } from '@/components/editor/api';
import { Button } from '@/components/ui/button';
import { inputBase } from '@/components/ui/field';
import { ROLES, type Role } from '@/lib/auth/roles';
import { createUser, deleteUser, listUsers, updateUser, type User } from './admin-api';
import { ErrorLine } from '@/components/ui/error-line';

/** Users: add one with a role, change a role, disable or enable, delete. */
export function UsersSection() {
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => listUsers().then(setUsers, (e) => setError(describeError(e).message)), []);
  useEffect(() => void refresh(), [refresh]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await refresh();
    } catch (e) {
      setError(describeError(e).message);
    }
  };

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void act(async () => {
      await createUser({ username: String(data.get('username')), password: String(data.get('password')), role: String(data.get('role')) as Role });
      form.reset();
    });
  };

  return (
    <section className="flex flex-col gap-2" data-testid="users-section">
      <h2 className="text-sm font-semibold text-slate-800">Users</h2>
      <table className="text-xs">
        <thead className="text-left text-slate-500">
          <tr>
            <th className="py-1">User</th>
            <th>Role</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} data-testid="user-row" data-username={user.username} className="border-t border-slate-100">
              <td className="py-1">{user.username}</td>
              <td>
                <select
                  aria-label={`Role of ${user.username}`}
                  value={user.role}
                  className={inputBase}
                  onChange={(e) => void act(() => updateUser(user.id, { role: e.target.value as Role }))}
                >
                  {ROLES.map((role) => (
                    <option key={role}>{role}</option>
                  ))}
                </select>
              </td>
              <td>{user.disabled ? 'disabled' : 'active'}</td>
              <td className="flex justify-end gap-1 py-1">
                <Button onClick={() => void act(() => updateUser(user.id, { disabled: !user.disabled }))}>{user.disabled ? 'Enable' : 'Disable'}</Button>
                <Button tone="danger" onClick={() => confirm(`Delete ${user.username}?`) && void act(() => deleteUser(user.id))}>
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={add} className="flex flex-wrap items-center gap-2" data-testid="add-user">
        <input name="username" required placeholder="user name" aria-label="New user's name" className={inputBase} />
        <input name="password" type="password" required minLength={10} placeholder="password (10+ characters)" aria-label="New user's password" className={inputBase} />
        <select name="role" defaultValue="viewer" aria-label="New user's role" className={inputBase}>
          {ROLES.map((role) => (
            <option key={role}>{role}</option>
          ))}
        </select>
        <Button type="submit" tone="primary" data-testid="add-user-submit">
          Add user
        </Button>
      </form>
      <ErrorLine message={error} />
    </section>
  );
}
