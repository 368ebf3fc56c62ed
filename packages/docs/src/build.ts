// Builds the API reference: one self-contained Redoc page from the bundled contract.
// --inlineBundle puts Redoc itself into the page, so it renders with no network at all.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = createRequire(import.meta.url).resolve('@tidings/spec/openapi.json');
const output = join(docsDir, 'dist/index.html');
mkdirSync(dirname(output), { recursive: true });
execFileSync(
  join(docsDir, 'node_modules/.bin/redocly'),
  ['build-docs', bundle, '--output', output, '--title', 'Tidings API', '--inlineBundle'],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
console.log(`docs: wrote ${output}`);
