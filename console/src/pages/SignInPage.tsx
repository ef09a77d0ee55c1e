import { useState } from 'react';
import { api } from '../api';
import { useSubmit } from '../components/blocks';
import { ErrorNote, Field } from '../components/ui';
import type { Principal } from '../types';

/** The key goes to Roster once, in this request; the browser keeps only an HttpOnly session cookie. */
export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn: (p: Principal) => void }) {
  const [key, setKey] = useState('');
  const form = useSubmit(async () => {
    const r = await api<{ principal: Principal }>('POST', '/admin/v1/console-sessions', { apiKey: key.trim() });
    setKey('');
    onSignedIn(r.principal);
  });
  return (
    <main id="main" tabIndex={-1} className="signin">
      <h1>Sign in to Roster</h1>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <form onSubmit={(e) => void form.submit(e)}>
        <Field
          label="API key"
          hint="An admin key (the ADMIN_TOKEN of this Roster) or a tenant key. The key is sent once and not stored in the browser."
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="off"
              spellCheck={false}
              required
              value={key}
              onChange={(e) => setKey(e.target.value)}
            />
          )}
        </Field>
        <ErrorNote error={form.error} />
        <button type="submit" disabled={form.busy || key.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
