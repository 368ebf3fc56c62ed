// Builds the API reference: one self-contained Redoc page from the bundled contract.
// --inlineBundle puts Redoc itself into the page, and the few assets Redoc would still fetch from
// its CDN are replaced by inline ones, so the page renders with no network at all.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = createRequire(import.meta.url).resolve('@tidings/spec/openapi.json');
const output = join(docsDir, 'dist/index.html');

const svg = (body: string, viewBox: string) =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="${viewBox}">${body}</svg>`)}`;
const icon = svg('<rect width="32" height="32" rx="7" fill="#1f4fd1"/><path d="M9 10h14M16 10v13" stroke="#fff" stroke-width="4" stroke-linecap="round"/>', '0 0 32 32');

/** Redoc's attribution badge loads its logo from cdn.redoc.ly; the same credit, drawn inline. */
const cdnAssets: Record<string, string> = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': svg(
    '<text x="1" y="12" font-family="sans-serif" font-size="12" font-weight="700" fill="#0044d4" textLength="54" lengthAdjust="spacingAndGlyphs">Redocly</text>',
    '0 0 56 16',
  ),
  'https://cdn.redoc.ly/redoc/logo-mini.svg': svg(
    '<text x="2" y="13" font-family="sans-serif" font-size="14" font-weight="700" fill="#0044d4">R</text>',
    '0 0 16 16',
  ),
};

const scratch = mkdtempSync(join(tmpdir(), 'tidings-docs-'));
try {
  const page = join(scratch, 'index.html');
  try {
    execFileSync(
      join(docsDir, 'node_modules/.bin/redocly'),
      [
        'build-docs', bundle,
        '--config', 'redocly.yaml',
        '--template', 'src/page.hbs',
        '--title', 'Tidings API reference',
        '--templateOptions.description', 'Reference of the Tidings REST API and of the webhook messages it sends.',
        '--templateOptions.icon', icon,
        '--inlineBundle',
        '--output', page,
      ],
      { cwd: docsDir, env: { ...process.env, REDOCLY_TELEMETRY: 'off' }, stdio: 'pipe' },
    );
  } catch (error) {
    // redocly prints a banner on every run; show its output only when it failed
    const { stdout = '', stderr = '' } = error as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${stdout}${stderr}`);
    throw new Error('docs: redocly build-docs failed');
  }
  let html = readFileSync(page, 'utf8');
  for (const [remote, inline] of Object.entries(cdnAssets)) {
    if (!html.includes(remote)) throw new Error(`docs: Redoc no longer references ${remote}; check the page for other remote assets`);
    html = html.replaceAll(remote, inline);
  }
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, html);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`docs: wrote ${output}`);
