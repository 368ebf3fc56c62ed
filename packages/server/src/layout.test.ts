// The server's shape, checked: files small enough to read whole, and one direction of flow
// (HTTP → routes → records → queue → worker → receiver) with persistence below the worker.
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = import.meta.dirname;
const sources = globSync('**/*.ts', { cwd: src }).filter((file) => !file.endsWith('.test.ts'));

const MAX_LINES = 400;

function lines(file: string): number {
  return readFileSync(join(src, file), 'utf8').split('\n').length - 1;
}

/** the folders of src/ that a file's relative imports reach */
function importedFolders(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  const folders: string[] = [];
  for (const [, target] of text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']*)'/gms)) {
    const path = join(file, '..', target as string);
    if (path.includes('/')) folders.push(path.slice(0, path.indexOf('/')));
  }
  return folders;
}

describe('the server source', () => {
  it(`has no file over ${MAX_LINES} lines, tests aside`, () => {
    const long = sources.filter((file) => lines(file) > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('keeps persistence (records/, queue/, db/) from importing the worker or the receiver', () => {
    const persistence = sources.filter((file) => /^(records|queue|db)\//.test(file));
    expect(persistence.length).toBeGreaterThan(10);
    const upward = persistence.flatMap((file) =>
      importedFolders(file)
        .filter((folder) => folder === 'worker' || folder === 'receiver')
        .map((folder) => `${file} imports ${folder}/`),
    );
    expect(upward).toEqual([]);
  });
});
