// Small pieces every page uses: loading and error states, empty states, paging, time.
import { useEffect, useRef, type ReactNode } from 'react';
import { errorMessage } from './api.tsx';
import { Link } from './router.tsx';

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  return (
    <div className="error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {errorMessage(error)}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** The page's main heading, focused on navigation so a screen reader announces the new page. */
export function PageTitle({ children, trail }: { children: ReactNode; trail?: Array<{ to: string; label: string }> }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <>
      {trail && trail.length > 0 ? (
        <nav aria-label="Breadcrumb" className="trail">
          <ol>
            {trail.map((step) => (
              <li key={step.to}>
                <Link to={step.to}>{step.label}</Link>
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      <h1 ref={heading} tabIndex={-1}>
        {children}
      </h1>
    </>
  );
}

/** Previous and next page links for a list answered with `start`, `limit`, `count` and `total`. */
export function Pager({ page, to }: { page: { start: number; limit: number; count: number; total: number }; to: (start: number) => string }) {
  if (page.total <= page.limit && page.start === 0) return null;
  const first = page.count === 0 ? page.start : page.start + 1;
  const last = page.start + page.count;
  return (
    <nav className="pager" aria-label="Pages">
      {page.start > 0 ? <Link to={to(Math.max(0, page.start - page.limit))}>← Previous</Link> : <span />}
      <span>
        {first}–{last} of {page.total}
      </span>
      {last < page.total ? <Link to={to(last)}>Next →</Link> : <span />}
    </nav>
  );
}

/** A contract timestamp (`YYYY-MM-DD HH:MM:SS`, UTC) in the reader's time zone, UTC on hover. */
export function Time({ value }: { value: string | null }) {
  if (value === null) return <span className="muted">—</span>;
  const iso = `${value.replace(' ', 'T')}Z`;
  return (
    <time dateTime={iso} title={`${value} UTC`}>
      {new Date(iso).toLocaleString()}
    </time>
  );
}

/** `?start=…` read from the URL: a page number a person can bookmark, and back to. */
export function startOf(query: URLSearchParams): number {
  const start = Number(query.get('start') ?? '0');
  return Number.isInteger(start) && start >= 0 ? start : 0;
}
