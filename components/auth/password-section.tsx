'use client';

import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { describeError, request } from '@/components/editor/api';
import { Button } from '@/components/ui/button';
import { inputBase } from '@/components/ui/field';

/** A new password, given the current one: the user's other sessions end, this one stays. */
export function PasswordSection() {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const change = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    if (data.get('password') !== data.get('confirm')) return setMessage({ ok: false, text: 'The two new passwords differ.' });
    try {
      await request('PATCH', '/api/auth/me', z.unknown(), { currentPassword: String(data.get('current')), password: String(data.get('password')) });
      form.reset();
      setMessage({ ok: true, text: 'Password changed; your other sessions were signed out.' });
    } catch (e) {
      setMessage({ ok: false, text: describeError(e).message });
    }
  };

  return (
    <section className="flex flex-col gap-2" data-testid="password-section">
      <h2 className="text-sm font-semibold text-slate-800">Password</h2>
      <form onSubmit={(e) => void change(e)} className="flex flex-wrap items-center gap-2">
        <input name="current" type="password" required autoComplete="current-password" placeholder="current password" aria-label="Current password" className={inputBase} />
        <input name="password" type="password" required minLength={10} autoComplete="new-password" placeholder="new password (10+ characters)" aria-label="New password" className={inputBase} />
        <input name="confirm" type="password" required autoComplete="new-password" placeholder="new password again" aria-label="New password again" className={inputBase} />
        <Button type="submit" tone="primary">
          Change password
        </Button>
      </form>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={`text-xs ${message.ok ? 'text-emerald-700' : 'text-red-600'}`}>
          {message.text}
        </p>
      )}
    </section>
  );
}
