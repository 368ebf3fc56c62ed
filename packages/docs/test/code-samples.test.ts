// The code samples of the contract (x-codeSamples) are what readers copy into a terminal or an
// editor: each must call the operation it sits on, send that operation's example body, and compile
// against @tidings/client.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { operations, resolve, type Operation } from './support/contract.ts';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const documented = operations.filter((operation) => !operation.webhook);
const BASE = 'http://localhost:8080/v1';

function sample(operation: Operation, label: string): string {
  const found = operation.definition['x-codeSamples']?.find((candidate) => candidate.label === label);
  if (!found) throw new Error(`${operation.operationId} has no ${label} sample`);
  return found.source;
}

interface Curl {
  method: string;
  url: URL;
  headers: string[];
  body: string | null;
}

/** The first curl command of a sample: `\`-continued lines, -X, -H, -d '…' or a <<'JSON' here-document. */
function parseCurl(source: string): Curl {
  const joined = source.replace(/\\\n\s*/g, ' ');
  const command = joined.slice(joined.indexOf('curl '));
  const line = command.split('\n')[0] ?? '';
  const url = /"?(https?:\/\/[^"\s]+)"?/.exec(line)?.[1] ?? '';
  const headers = [...line.matchAll(/-H (?:'([^']*)'|"([^"]*)")/g)].map((match) => match[1] ?? match[2] ?? '');
  const body = /-d '([^']*)'/.exec(command)?.[1] ?? /<<'(\w+)'\n([\s\S]*?)\n\1(?:\n|$)/.exec(command)?.[2] ?? null;
  return { method: /-X (\w+)/.exec(line)?.[1] ?? 'GET', url: new URL(url), headers, body };
}

function exampleBody(operation: Operation): unknown {
  const body = operation.definition.requestBody;
  if (body === undefined) return undefined;
  const media = resolve<{ content: Record<string, { examples: Record<string, unknown> }> }>(body).content['application/json'];
  const first = Object.values(media?.examples ?? {})[0];
  return resolve<{ value: unknown }>(first).value;
}

describe('the code samples in the contract', () => {
  it.each(documented.map((operation) => [operation.operationId, operation] as const))(
    '%s has a curl and a TypeScript sample',
    (_, operation) => {
      expect(operation.definition['x-codeSamples']?.map((candidate) => candidate.label)).toEqual(['curl', 'TypeScript']);
    },
  );

  it.each(documented.map((operation) => [operation.operationId, operation] as const))(
    '%s: the curl sample calls the operation with its example body',
    (_, operation) => {
      const curl = parseCurl(sample(operation, 'curl'));
      expect(curl.method).toBe(operation.method.toUpperCase());
      expect(curl.url.origin + curl.url.pathname).toMatch(
        new RegExp(`^${BASE}${operation.key.replace(/\{\w+\}/g, '[0-9]+')}$`),
      );
      const declared = ((operation.definition.parameters ?? []) as unknown[])
        .map((parameter) => resolve<{ name: string; in: string }>(parameter))
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name);
      for (const name of curl.url.searchParams.keys()) expect(declared).toContain(name);

      const secured = !(Array.isArray(operation.definition.security) && operation.definition.security.length === 0);
      expect(curl.headers.includes('Authorization: Bearer $TIDINGS_TOKEN')).toBe(secured);
      const example = exampleBody(operation);
      if (example === undefined) {
        expect(curl.body).toBeNull();
      } else {
        expect(curl.headers).toContain('Content-Type: application/json');
        expect(JSON.parse(curl.body ?? '')).toEqual(example);
      }
    },
  );

  it('every TypeScript sample calls its operation and compiles against @tidings/client', () => {
    const files = new Map(
      documented.map((operation) => {
        const source = sample(operation, 'TypeScript');
        expect(source, operation.operationId).toContain(`tidings.${operation.method.toUpperCase()}('${operation.key}'`);
        return [join(docsDir, 'code-samples', `${operation.operationId}.ts`), source] as const;
      }),
    );
    const config = ts.getParsedCommandLineOfConfigFile(join(docsDir, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    });
    const options = { ...config?.options, noEmit: true };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (file) => files.has(file) || fileExists(file);
    host.readFile = (file) => files.get(file) ?? readFile(file);
    host.getSourceFile = (file, language, ...rest) => {
      const text = files.get(file);
      return text === undefined ? getSourceFile(file, language, ...rest) : ts.createSourceFile(file, text, language);
    };
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file
        ? `${diagnostic.file.fileName.slice(docsDir.length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
