// Typed responses: the status and body must be ones the contract declares for the operation.
import type { operations } from '@tidings/spec';

type Responses<Op extends keyof operations> = operations[Op]['responses'];
type JsonBody<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;

export function json<Op extends keyof operations, Status extends keyof Responses<Op> & number>(
  _operation: Op,
  status: Status,
  body: JsonBody<Responses<Op>[Status]>,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export function created<Op extends keyof operations>(
  operation: Op,
  body: JsonBody<Responses<Op>[201 & keyof Responses<Op>]>,
  location: string,
): Response {
  return json(operation, 201 as 201 & keyof Responses<Op>, body, { 'x-location': location, location });
}

export function deleted(kind: string, id: string): Response {
  return new Response(null, { status: 204, headers: { 'x-deleted': `${kind} ${id}` } });
}
