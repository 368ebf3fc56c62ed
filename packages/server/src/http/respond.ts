// Typed responses: the status and body must be ones the contract declares for the operation.
import type { ListEnvelope, operations } from '@tidings/spec';
import type { JsonText } from '../records/store.ts';

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

/** A 200 whose body the store wrote as JSON text already (JsonText says which schema it follows). */
export function jsonText<Op extends keyof operations>(_operation: Op, text: JsonText<JsonBody<Responses<Op>[200 & keyof Responses<Op>]>>): Response {
  return new Response(text, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

type ListItem<Op extends keyof operations> = JsonBody<Responses<Op>[200 & keyof Responses<Op>]> extends { data: Array<infer Item> } ? Item : never;

/** A 200 list whose items the store serialised already: the envelope is written around them. */
/**
 * Bodies of the lists the store answers again from its cache (the same object), written once each
 * and kept as UTF-8 bytes: a page of 100 callbacks is ≈ 30 KB to encode on every answer otherwise.
 */
const listBodies = new WeakMap<object, Buffer>();

export function jsonList<Op extends keyof operations>(_operation: Op, list: ListEnvelope<JsonText<ListItem<Op>>>): Response {
  let body = listBodies.get(list);
  if (body === undefined) {
    body = Buffer.from(`{"start":${list.start},"limit":${list.limit},"count":${list.count},"total":${list.total},"data":[${list.data.join(',')}]}`);
    listBodies.set(list, body);
  }
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
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
