// Generates src/generated/openapi.ts from the contract's bundle (@tidings/spec/openapi.json), so the
// published package carries its own types and never imports @tidings/spec.
//
// Unlike the spec package's types (written for the server, which sees bodies after defaults are
// applied), these are generated with `defaultNonNullable: false`: a property with a `default` stays
// optional, so `{ url }` is a complete CallbackCreate for a caller, as the contract says.
// With --check (or CI=true) nothing is written and a stale file fails the run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const clientDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const checkOnly = process.argv.includes('--check') || process.env.CI === 'true';
const bundlePath = createRequire(import.meta.url).resolve('@tidings/spec/openapi.json');
const target = join(clientDir, 'src/generated/openapi.ts');

const ast = await openapiTS(JSON.parse(readFileSync(bundlePath, 'utf8')), { exportType: false, defaultNonNullable: false });
const text = `// Generated from @tidings/spec's openapi.json by scripts/generate.ts — do not edit; run \`pnpm generate\`.\n${astToString(ast)}`;

const current = existsSync(target) ? readFileSync(target, 'utf8') : null;
if (current === text) {
  console.log('generate: client types match the contract');
} else if (checkOnly) {
  console.error(`generate: ${relative(clientDir, target)} is out of date with the contract; run \`pnpm generate\``);
  process.exit(1);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`generate: wrote ${relative(clientDir, target)}`);
}
