'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { ErrorLine } from '@/components/ui/error-line';

/**
 * Only a page of this site: `next` comes from the address bar, so it must not send people elsewhere
 * (the browser's own parsing decides, so tricks such as `/\t/evil.example` resolve to their origin).
 */
function safeNext(next: string | undefined): string {
  if (!next) return '/';
  const target = new URL(next, window.location.origin);
  return target.origin === window.location.origin ? target.pathname + target.search + target.hash : '/';
}

/**
 * Sign in, or (with a setup token) create the first admin: a user name and a password, posted as
 * JSON; the server sets the session cookie and the page moves on to `next`.
 */
export function SignInForm({ setupToken, next }: { setupToken?: string; next?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const setup = setupToken !== undefined;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? ''), ...(setup ? { token: setupToken } : {}) };
    if (setup && body.password !== String(form.get('confirm') ?? '')) return setError('The two passwords differ.');
    setBusy(true);
    setError(null);
    const response = await fetch(setup ? '/api/auth/setup' : '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => undefined);
    if (response?.ok) return window.location.assign(safeNext(next));
    const answer = (await response?.json().catch(() => undefined)) as { error?: string } | undefined;
    setError(answer?.error ? answer.error[0].toUpperCase() + answer.error.slice(1) + '.' : 'The server did not answer: is it running?');
    setBusy(false);
  };

  return (
    <form onSubmit={submit} className="flex w-72 flex-col gap-3" data-testid={setup ? 'setup-form' : 'sign-in-form'}>
      <Field id="username" label="User name">
        <input id="username" name="username" autoComplete="username" required maxLength={64} className={inputClass} />
      </Field>
      <Field id="password" label="Password" description={setup ? 'At least 10 characters.' : undefined}>
        <input id="password" name="password" type="password" autoComplete={setup ? 'new-password' : 'current-password'} required className={inputClass} />
      </Field>
      {setup && (
        <Field id="confirm" label="Password again">
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" required className={inputClass} />
        </Field>
      )}
      <ErrorLine message={error} testId="sign-in-error" />
      <Button type="submit" tone="primary" data-testid="sign-in" disabled={busy}>
        {setup ? 'Create the admin and sign in' : busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
