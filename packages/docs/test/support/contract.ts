// The operations of the bundled contract, as the docs must show them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface CodeSample {
  lang: string;
  label?: string;
  source: string;
}

export interface Operation {
  /** The path (`/database/{databaseID}`) or, for a webhook, its name (`jsonCallback`). */
  key: string;
  webhook: boolean;
  method: string;
  operationId: string;
  summary: string;
  tag: string;
  definition: Record<string, unknown> & { 'x-codeSamples'?: CodeSample[] };
}

type Json = Record<string, unknown>;

export const bundle: Json = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@tidings/spec/openapi.json'), 'utf8'),
);

/** Follows local `$ref`s (`#/components/…`) of the bundle. */
export function resolve<T = Json>(node: unknown): T {
  let current = node as Json;
  while (typeof current?.$ref === 'string') {
    current = (current.$ref as string)
      .slice(2)
      .split('/')
      .reduce<Json>((parent, name) => parent[name.replaceAll('~1', '/').replaceAll('~0', '~')] as Json, bundle);
  }
  return current as T;
}

const methods = ['get', 'put', 'post', 'delete', 'patch'];

function collect(items: Json, webhook: boolean): Operation[] {
  return Object.entries(items).flatMap(([key, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => methods.includes(method))
      .map(([method, value]) => {
        const definition = value as Operation['definition'];
        return {
          key,
          webhook,
          method,
          operationId: definition.operationId as string,
          summary: definition.summary as string,
          tag: (definition.tags as string[])[0] as string,
          definition,
        };
      }),
  );
}

export const operations: Operation[] = [
  ...collect(bundle.paths as Json, false),
  ...collect(bundle.webhooks as Json, true),
];

export const tags = (bundle.tags as Array<{ name: string; description: string }>).filter((tag) =>
  operations.some((operation) => operation.tag === tag.name),
);
