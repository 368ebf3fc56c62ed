// Bundles the hand-written contract into dist/openapi.json and generates src/generated/openapi.ts.
// With --check (or CI=true) nothing is written: the run fails when the committed output is stale,
// so a schema edited without `pnpm generate` cannot land.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const specDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const checkOnly = process.argv.includes('--check') || process.env.CI === 'true';

const scratch = mkdtempSync(join(tmpdir(), 'tidings-spec-'));
let bundleText: string;
try {
  const bundlePath = join(scratch, 'openapi.json');
  execFileSync(join(specDir, 'node_modules/.bin/redocly'), ['bundle', 'openapi.yaml', '--output', bundlePath], {
    cwd: specDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  bundleText = `${JSON.stringify(JSON.parse(readFileSync(bundlePath, 'utf8')), null, 2)}\n`;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// defaultNonNullable: false keeps properties with a default optional in request bodies (only `url`
// is required to create a callback); the server fills the defaults.
const ast = await openapiTS(JSON.parse(bundleText), { exportType: false, defaultNonNullable: false });
const typesText = `// Generated from openapi.yaml by scripts/generate.ts — do not edit; run \`pnpm generate\`.\n${astToString(ast)}`;

const outputs: Array<[string, string]> = [
  [join(specDir, 'dist/openapi.json'), bundleText],
  [join(specDir, 'src/generated/openapi.ts'), typesText],
];

const stale = outputs.filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text);
if (checkOnly) {
  if (stale.length > 0) {
    for (const [file] of stale) console.error(`generate: ${relative(specDir, file)} is out of date with the contract`);
    console.error('generate: run `pnpm generate` and commit the result');
    process.exit(1);
  }
  console.log('generate: bundle and types match the contract');
} else {
  for (const [file, text] of stale) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`generate: wrote ${relative(specDir, file)}`);
  }
  if (stale.length === 0) console.log('generate: up to date');
}
