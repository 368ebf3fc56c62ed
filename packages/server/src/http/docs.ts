import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | null | undefined;

/** The Redoc page built by @tidings/docs, read once; null while it has not been built. */
export function loadDocsHtml(): string | null {
  if (cached !== undefined) return cached;
  try {
    const require = createRequire(import.meta.url);
    cached = readFileSync(require.resolve('@tidings/docs/index.html'), 'utf8');
  } catch {
    cached = null;
  }
  return cached;
}
