// Creating and editing a callback. The server judges the values (it compiles the expression and
// checks the URL): its error is shown at the field it concerns.
import type { Callback, CallbackAction, CallbackCreate, CallbackMethod, CallbackOrdering } from '@tidings/client';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorCode, errorMessage, useApi, useIdempotencyKey } from '../api.tsx';
import { Link, navigate } from '../router.tsx';
import { ErrorNote, Loading, PageTitle } from '../ui.tsx';

const ACTIONS: CallbackAction[] = ['all', 'create', 'update', 'delete'];
const METHODS: CallbackMethod[] = ['json', 'xml'];
const ORDERINGS: CallbackOrdering[] = ['none', 'profile'];
type Signing = Callback['signing'];
const SIGNINGS: Array<{ value: Signing; label: string; hint: string }> = [
  { value: 'hmac', label: 'HMAC', hint: 'Tidings and the receivers share one secret (whsec_…): the usual choice.' },
  {
    value: 'ed25519',
    label: 'Ed25519',
    hint: 'Tidings signs with a private key; receivers verify with its public key (whpk_…), which is safe to hand out.',
  },
];
export const SIGNING_LABEL: Record<Signing, string> = { hmac: 'HMAC (shared secret)', ed25519: 'Ed25519 (public key)' };

type Values = Required<Omit<CallbackCreate, 'disabled'>>;

const FIELD_OF_CODE: Record<string, keyof Values> = {
  url_invalid: 'url',
  url_not_allowed: 'url',
  expression_invalid: 'expression',
  expression_too_long: 'expression',
};

function Form({
  initial,
  signingFixed,
  submitLabel,
  cancelTo,
  pending,
  error,
  onSubmit,
}: {
  initial: Values;
  /** The signing kind is chosen when a callback is created: an edit shows it without a control. */
  signingFixed: boolean;
  submitLabel: string;
  cancelTo: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: Values) => void;
}) {
  const [values, setValues] = useState(initial);
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((current) => ({ ...current, [key]: value }));
  const code = error ? errorCode(error) : undefined;
  const field = code !== undefined ? FIELD_OF_CODE[code] : undefined;
  const fieldError = (name: keyof Values) =>
    field === name ? (
      <p id={`${name}-error`} className="field-error" role="alert">
        {errorMessage(error)}
      </p>
    ) : null;
  const described = (name: keyof Values, hint: string) => (field === name ? `${name}-error ${hint}` : hint);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(values);
  };
  return (
    <form className="callback-form" onSubmit={submit} noValidate>
      {error && field === undefined ? <ErrorNote error={error} /> : null}
      <div className="field">
        <label htmlFor="url">URL</label>
        <input
          id="url"
          type="url"
          required
          value={values.url}
          placeholder="https://example.org/hooks/tidings"
          onChange={(event) => set('url', event.target.value)}
          aria-invalid={field === 'url'}
          aria-describedby={described('url', 'url-hint')}
        />
        <p id="url-hint" className="hint">
          Where Tidings POSTs the messages: an absolute http or https URL.
        </p>
        {fieldError('url')}
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor="action">Action</label>
          <select id="action" value={values.action} onChange={(event) => set('action', event.target.value as CallbackAction)}>
            {ACTIONS.map((action) => (
              <option key={action} value={action}>
                {action === 'all' ? 'all changes' : action}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="method">Format</label>
          <select id="method" value={values.method} onChange={(event) => set('method', event.target.value as CallbackMethod)}>
            {METHODS.map((method) => (
              <option key={method} value={method}>
                {method.toUpperCase()}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ordering">Ordering</label>
          <select id="ordering" value={values.ordering} onChange={(event) => set('ordering', event.target.value as CallbackOrdering)}>
            {ORDERINGS.map((ordering) => (
              <option key={ordering} value={ordering}>
                {ordering === 'none' ? 'none (fastest)' : 'per profile'}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rateLimit">Rate limit (messages/s)</label>
          <input
            id="rateLimit"
            type="number"
            min={1}
            max={10000}
            step={1}
            placeholder="none"
            value={values.rateLimit ?? ''}
            onChange={(event) => set('rateLimit', event.target.value === '' ? null : Number(event.target.value))}
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor="expression">Expression</label>
        <textarea
          id="expression"
          rows={3}
          spellCheck={false}
          value={values.expression}
          placeholder="company == 'Apple'"
          onChange={(event) => set('expression', event.target.value)}
          aria-invalid={field === 'expression'}
          aria-describedby={described('expression', 'expression-hint')}
        />
        <p id="expression-hint" className="hint">
          A JavaScript condition on the changed record; the message is sent only when it is true. Empty means always.
        </p>
        {fieldError('expression')}
      </div>
      {signingFixed ? (
        <p>
          <strong>Signing:</strong> {SIGNING_LABEL[values.signing]}. <span className="muted">Chosen when the callback was created; it cannot be changed.</span>
        </p>
      ) : (
        <fieldset className="choices">
          <legend>Signing</legend>
          {SIGNINGS.map((signing) => (
            <div className="choice" key={signing.value}>
              <input
                id={`signing-${signing.value}`}
                type="radio"
                name="signing"
                value={signing.value}
                checked={values.signing === signing.value}
                onChange={() => set('signing', signing.value)}
                aria-describedby={`signing-${signing.value}-hint`}
              />
              <label htmlFor={`signing-${signing.value}`}>{signing.label}</label>
              <p id={`signing-${signing.value}-hint`} className="hint">
                {signing.hint}
              </p>
            </div>
          ))}
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </form>
  );
}

const EMPTY: Values = { url: '', expression: '', action: 'all', method: 'json', ordering: 'none', signing: 'hmac', rateLimit: null };

/** A new callback for a database or, when collectionID is given, a collection. */
export function NewCallback({ databaseID, collectionID }: { databaseID?: string; collectionID?: string }) {
  const { query } = useApi();
  const queryClient = useQueryClient();
  const onSuccess = (created: Callback | undefined) => {
    void queryClient.invalidateQueries();
    if (created) navigate(`/callbacks/${created.ID}`, { replace: true });
  };
  const forDatabase = query.useMutation('post', '/database/{databaseID}/callbacks', { onSuccess });
  const forCollection = query.useMutation('post', '/collection/{collectionID}/callbacks', { onSuccess });
  const mutation = collectionID !== undefined ? forCollection : forDatabase;
  const back = collectionID !== undefined ? `/collections/${collectionID}` : `/databases/${databaseID}`;
  const idempotencyKey = useIdempotencyKey();
  const save = (body: Values) => {
    const header = { 'Idempotency-Key': idempotencyKey(body) };
    if (collectionID !== undefined) forCollection.mutate({ params: { path: { collectionID }, header }, body });
    else if (databaseID !== undefined) forDatabase.mutate({ params: { path: { databaseID }, header }, body });
  };
  return (
    <>
      <PageTitle trail={[{ to: back, label: collectionID !== undefined ? `Collection #${collectionID}` : `Database #${databaseID}` }]}>
        New callback
      </PageTitle>
      <Form initial={EMPTY} signingFixed={false} submitLabel="Create callback" cancelTo={back} pending={mutation.isPending} error={mutation.error} onSubmit={save} />
    </>
  );
}

export function EditCallback({ callbackID }: { callbackID: string }) {
  const { query } = useApi();
  const queryClient = useQueryClient();
  const path = { callbackID };
  const callback = query.useQuery('get', '/callback/{callbackID}', { params: { path } });
  const update = query.useMutation('put', '/callback/{callbackID}', {
    onSuccess: () => {
      void queryClient.invalidateQueries();
      navigate(`/callbacks/${callbackID}`);
    },
  });
  const back = `/callbacks/${callbackID}`;
  const title = <PageTitle trail={[{ to: back, label: `Callback #${callbackID}` }]}>Edit callback</PageTitle>;
  if (callback.isPending) return <>{title}<Loading what="the callback" /></>;
  if (callback.isError) return <>{title}<ErrorNote error={callback.error} /></>;
  const { url, expression, action, method, ordering, signing, rateLimit } = callback.data;
  const initial: Values = { url, expression, action, method, ordering, signing, rateLimit };
  // signing has no control here, so it never differs and is never sent (CallbackUpdate has no signing)
  const save = (values: Values) => {
    const body = Object.fromEntries(Object.entries(values).filter(([key, value]) => initial[key as keyof Values] !== value));
    if (Object.keys(body).length === 0) navigate(back);
    else update.mutate({ params: { path }, body });
  };
  return (
    <>
      {title}
      <Form initial={initial} signingFixed submitLabel="Save changes" cancelTo={back} pending={update.isPending} error={update.error} onSubmit={save} />
    </>
  );
}
