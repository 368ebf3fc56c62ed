// Every operation of the bundled contract, with what tests generate requests from: its first JSON
// request example, its request schema, its query parameters and its success status.
import type { Contract } from '../../src/http/contract.ts';

type Node = Record<string, unknown>;

export interface ContractOperation {
  operationId: string;
  method: string;
  /** the path as the contract writes it, without /v1: `/callback/{callbackID}` */
  template: string;
  requestExample: unknown;
  requestSchema: Node | null;
  queryNames: string[];
  successStatus: number;
}

export function contractOperations(contract: Contract): ContractOperation[] {
  const resolve = (node: unknown): Node => contract.resolve(node as never) as Node;
  const paths = (contract.bundle as { paths: Record<string, Record<string, Node>> }).paths;
  const found: ContractOperation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (typeof operation.operationId !== 'string') continue;
      const body = operation.requestBody ? resolve(operation.requestBody) : null;
      const media = (body?.content as Record<string, Node> | undefined)?.['application/json'];
      const example = media?.examples ? Object.values(media.examples as Node)[0] : undefined;
      const parameters = ((operation.parameters as unknown[] | undefined) ?? []).map(resolve);
      found.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        template,
        requestExample: example === undefined ? undefined : resolve(example).value,
        requestSchema: media?.schema ? resolve(media.schema) : null,
        queryNames: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => String(parameter.name)),
        successStatus: Object.keys(operation.responses as Node).map(Number).find((status) => status >= 200 && status < 300) ?? 0,
      });
    }
  }
  return found;
}

/** `/v1` plus the template with its path parameters filled in (`1` for any the map lacks). */
export function fillPath(template: string, ids: Record<string, string>): string {
  return `/v1${template.replace(/\{(\w+)\}/g, (_match, name: string) => ids[name] ?? '1')}`;
}
