import type { Context } from 'hono';
import type { operations } from '@tidings/spec';
import { ApiError } from './errors.ts';
import type { AppEnv } from './env.ts';

type RequestBody<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : operations[Op] extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? Body
    : never;

/**
 * Reads, parses and validates the JSON body of an operation against the contract.
 * The size limit is enforced before this by the body-limit middleware.
 */
export async function readBody<Op extends keyof operations>(c: Context<AppEnv>, operationId: Op): Promise<RequestBody<Op>> {
  const contentType = c.req.header('content-type') ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]*\+json$/.test(mediaType)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Send the body as JSON with Content-Type: application/json${contentType ? ` (got ${JSON.stringify(contentType.slice(0, 100))})` : ''}`,
    );
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new ApiError(400, 'invalid_body', 'The request body is empty; send a JSON object');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'invalid_body', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  c.var.deps.contract.validateBody(operationId, body);
  return body as RequestBody<Op>;
}
