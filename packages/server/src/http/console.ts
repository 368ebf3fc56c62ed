// Serves the console (@tidings/console, built by `./tidings start`) at /console: its index.html for
// every page, so each of its URLs can be opened directly, and its hashed assets. Same origin as the
// API, so it needs no CORS; its Content-Security-Policy allows nothing but this origin.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { Hono } from 'hono';
import { ApiError } from './errors.ts';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const SECURITY = { 'content-security-policy': CONSOLE_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

interface Built {
  index: string;
  /** name → file path, for exactly the files the build made: a request cannot reach anything else */
  assets: Map<string, string>;
}

let built: Built | null | undefined;

function load(): Built | null {
  if (built !== undefined) return built;
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('@tidings/console/index.html'));
    const assetsDir = join(dir, 'assets');
    built = {
      index: readFileSync(join(dir, 'index.html'), 'utf8'),
      assets: new Map(readdirSync(assetsDir).map((name) => [name, join(assetsDir, name)])),
    };
  } catch {
    built = null;
  }
  return built;
}

function built404(): never {
  throw new ApiError(404, 'not_found', 'The console has not been built; run `./tidings start` (or `pnpm --filter @tidings/console console`)');
}

export const consoleRoutes = new Hono()
  .get('/assets/:name', (c) => {
    const files = load() ?? built404();
    const file = files.assets.get(c.req.param('name'));
    if (file === undefined) throw new ApiError(404, 'not_found', `There is no console asset ${c.req.param('name')}`);
    return new Response(readFileSync(file), {
      headers: {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // names carry a hash of their content
        'cache-control': 'public, max-age=31536000, immutable',
        ...SECURITY,
      },
    });
  })
  .get('*', () => {
    const files = load() ?? built404();
    return new Response(files.index, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', ...SECURITY } });
  });
