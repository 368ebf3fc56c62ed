// A callback's signing secret, for tokens that may write (the API refuses it to read-only ones):
// revealed on demand, copied, rotated. An Ed25519 callback also has a public key, the one thing its
// receivers need, so it comes first.
import type { Callback, CallbackSecret } from '@tidings/client';
import { useState } from 'react';
import { useApi } from '../api.tsx';
import { ErrorNote, Time } from '../ui.tsx';

export function Secret({ callbackID, signing }: { callbackID: string; signing: Callback['signing'] }) {
  const { query } = useApi();
  const path = { callbackID };
  const [shown, setShown] = useState<CallbackSecret | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const reveal = query.useMutation('get', '/callback/{callbackID}/secret', { onSuccess: setShown });
  const rotate = query.useMutation('post', '/callback/{callbackID}/secret/rotate', {
    onSuccess: (secret) => {
      setShown(secret);
      setConfirmRotate(false);
    },
  });
  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied the ${what} to the clipboard.`);
    } catch {
      setCopied(`The browser did not allow copying: select the ${what} and copy it by hand.`);
    }
  };
  const asymmetric = signing === 'ed25519';
  const publicKey = shown?.publicKey;
  return (
    <section aria-labelledby="secret-heading">
      <h2 id="secret-heading">Signing secret</h2>
      {asymmetric ? (
        <p className="muted">
          Tidings signs every message with this callback's private key (Ed25519, Standard Webhooks). Receivers verify with its public key, which is
          safe to share with them: it checks signatures but cannot make them. Keep the private key to yourself; receivers do not need it.
        </p>
      ) : (
        <p className="muted">Receivers verify every message's signature with it (HMAC, Standard Webhooks). Share it only with them.</p>
      )}
      {shown ? (
        <>
          {publicKey ? (
            <>
              <p className="key-label">
                Public key: safe to share with receivers
              </p>
              <p className="public-key">
                <code>{publicKey}</code>
              </p>
              <p className="key-label">
                Private key: keep it secret
              </p>
            </>
          ) : null}
          <p className="secret">
            <code>{shown.secret}</code>
          </p>
          {shown.previous.length > 0 ? (
            <ul className="muted">
              {shown.previous.map((previous) => (
                <li key={previous.secret ?? previous.publicKey ?? previous.expires}>
                  Also signing with the previous {previous.publicKey ? 'key' : 'secret'} until <Time value={previous.expires} />
                  {previous.publicKey ? (
                    <>
                      {' '}
                      (its public key: <code className="wrap">{previous.publicKey}</code>)
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      <div className="actions">
        {shown ? (
          <>
            {publicKey ? (
              <button type="button" onClick={() => void copy(publicKey, 'public key')}>
                Copy public key
              </button>
            ) : null}
            {shown.secret ? (
              <button type="button" onClick={() => void copy(shown.secret as string, 'secret')}>
                Copy secret
              </button>
            ) : null}
            <button type="button" onClick={() => setShown(null)}>
              Hide secret
            </button>
          </>
        ) : (
          <button type="button" disabled={reveal.isPending} onClick={() => reveal.mutate({ params: { path } })}>
            Reveal secret
          </button>
        )}
        {confirmRotate ? null : (
          <button type="button" onClick={() => setConfirmRotate(true)}>
            Rotate secret…
          </button>
        )}
      </div>
      {copied ? (
        <p role="status" className="notice">
          {copied}
        </p>
      ) : null}
      {confirmRotate ? (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-rotate">
          <p id="confirm-rotate">
            {asymmetric
              ? 'Make a new key pair? Messages are signed with the old private key too for a while, so receivers can switch to the new public key.'
              : 'Make a new secret? Messages are signed with the old one too for a while, so receivers can switch.'}
          </p>
          <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate({ params: { path } })}>
            Rotate secret
          </button>
          <button type="button" autoFocus onClick={() => setConfirmRotate(false)}>
            Cancel
          </button>
        </div>
      ) : null}
      {reveal.isError ? <ErrorNote error={reveal.error} /> : null}
      {rotate.isError ? <ErrorNote error={rotate.error} /> : null}
    </section>
  );
}
