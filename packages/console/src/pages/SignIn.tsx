import { useState, type FormEvent } from 'react';
import { createApi, errorMessage, probeReadOnly, type Session } from '../api.tsx';
import { PageTitle } from '../ui.tsx';

/** Asks for an access token and checks it against the API before keeping it for this tab. */
export function SignIn({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (trimmed === '') {
      setError('Enter an access token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { client } = createApi({ token: trimmed, readOnly: true });
      const { error: refused } = await client.GET('/databases', { params: { query: { limit: 1 } } });
      if (refused) {
        setError(errorMessage(refused));
        return;
      }
      onSignIn({ token: trimmed, readOnly: await probeReadOnly(client) });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <PageTitle>Sign in to the Tidings console</PageTitle>
      <p>
        Use an access token of your account: the one in <code>TIDINGS_BOOTSTRAP_TOKEN</code>, or one made with{' '}
        <code>./tidings tokens create ACCOUNT</code>. It is kept in this browser tab only, until you sign out or close
        the tab.
      </p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="token">Access token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? 'token-error' : undefined}
        />
        {error !== null ? (
          <p id="token-error" className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
