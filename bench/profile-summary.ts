// Where a Tidings process spent its time, from a V8 CPU profile written by `pnpm bench --cpu-prof`:
//   node bench/profile-summary.ts bench/profiles/CPU.….cpuprofile [filter-regexp] [rows]
// Percentages are of the busy time (samples outside the idle node), so a profile that spans idle
// stretches between runs still reads as "of the work done". Startup (module loading) is included.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, filter = '.', rowsArgument = '30'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.ts PROFILE.cpuprofile [filter-regexp] [rows]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const rows = Number(rowsArgument);
const pattern = new RegExp(filter);

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const selfMicros = new Map<number, number>();
profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

function place(node: ProfileNode): string {
  const url = node.callFrame.url
    .replace(/^file:\/\/.*?\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/packages\//, 'packages/');
  return url === '' ? `(${node.callFrame.functionName})` : url;
}

function frame(node: ProfileNode): string {
  return `${node.callFrame.functionName || '(anonymous)'} ${place(node)}:${node.callFrame.lineNumber + 1}`;
}

/** packages/server/src/… stays a file; a dependency becomes its package name; node:internal/x becomes node:internal. */
function owner(node: ProfileNode): string {
  const where = place(node);
  if (where.startsWith('packages/') || where.startsWith('(')) return where;
  if (where.startsWith('node:')) return where.split('/')[0] as string;
  const parts = where.split('/');
  return (where.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

let busy = 0;
const byOwner = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = nodes.get(id) as ProfileNode;
  if (node.callFrame.functionName === '(idle)') continue;
  busy += micros;
  byOwner.set(owner(node), (byOwner.get(owner(node)) ?? 0) + micros);
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
    const name = frame(nodes.get(current) as ProfileNode);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
  }
}

function print(title: string, totals: Map<string, number>, only: RegExp): void {
  console.log(`\n${title}`);
  for (const [name, micros] of [...totals].filter(([key]) => only.test(key)).sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${((100 * micros) / busy).toFixed(1).padStart(6)}%  ${name}`);
  }
}

console.log(`busy ${(busy / 1e6).toFixed(1)} s of ${(profile.timeDeltas.reduce((sum, delta) => sum + delta, 0) / 1e6).toFixed(1)} s profiled`);
print('self time by file or package', byOwner, /./);
print(`time including callees, frames matching /${filter}/`, inclusive, pattern);
