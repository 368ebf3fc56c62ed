import { Hono, type Context } from 'hono';
import type { Callback, CallbackUpdate, CreatedCallback } from '@tidings/spec';
import { readBody } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, notFound, parseId } from '../http/errors.ts';
import { readPage } from '../http/paging.ts';
import { created, deleted, json, jsonList, jsonText } from '../http/respond.ts';
import { checkCallbackUrl } from '../net/url-policy.ts';
import { newSecret, publicKeyOf } from '../secrets.ts';

/** A new callback as answered once: with its secret, and the public key of an Ed25519 one. */
function withSecret(callback: Callback, secret: string): CreatedCallback {
  const publicKey = publicKeyOf(secret);
  return { ...callback, secret, ...(publicKey !== undefined && { publicKey }) };
}

/** The checks the schema cannot make: the URL's target and whether the expression compiles. */
async function checkCallbackInput(c: Context<AppEnv>, input: CallbackUpdate): Promise<void> {
  const { config, sandbox, allowedNetworks } = c.get('deps');
  if (input.url !== undefined) {
    const verdict = checkCallbackUrl(input.url, allowedNetworks);
    if (!verdict.ok) throw new ApiError(400, verdict.code, verdict.message);
    // stored normalized: what is sent to, and a valid URI (`"` in a query becomes %22)
    input.url = verdict.href;
  }
  if (input.expression !== undefined && input.expression.trim() !== '') {
    if (input.expression.length > config.maxExpressionLength) {
      throw new ApiError(
        400,
        'expression_too_long',
        `Property 'expression' must be at most ${config.maxExpressionLength} characters long (got ${input.expression.length})`,
      );
    }
    const compiled = await sandbox.check(input.expression);
    if (!compiled.ok) throw new ApiError(400, 'expression_invalid', `The expression does not compile: ${compiled.message}`);
  }
}

function limitReached(max: number): ApiError {
  return new ApiError(
    400,
    'callback_limit_reached',
    `This database already has the maximum of ${max} callbacks (database and collection callbacks together); delete one first`,
  );
}

export const callbackRoutes = new Hono<AppEnv>()
  .get('/database/:databaseID/callbacks', async (c) => {
    const databaseId = parseId('database', c.req.param('databaseID'));
    const page = readPage(c, 'listDatabaseCallbacks');
    const list = await c.get('deps').store.listDatabaseCallbacks(c.get('principal').accountId, databaseId, page);
    if (!list) throw notFound('database', c.req.param('databaseID'));
    return jsonList('listDatabaseCallbacks', list);
  })
  .post('/database/:databaseID/callbacks', async (c) => {
    const databaseId = parseId('database', c.req.param('databaseID'));
    const input = await readBody(c, 'createDatabaseCallback');
    await checkCallbackInput(c, input);
    const secret = newSecret(input.signing ?? 'hmac');
    const max = c.get('deps').config.maxCallbacksPerDatabase;
    const result = await c.get('deps').store.createDatabaseCallback(c.get('principal').accountId, databaseId, { ...input, secret }, max);
    if (!result) throw notFound('database', c.req.param('databaseID'));
    if ('limitReached' in result) throw limitReached(max);
    return created('createDatabaseCallback', withSecret(result.callback, secret), `/v1/callback/${result.callback.ID}`);
  })
  .get('/collection/:collectionID/callbacks', async (c) => {
    const collectionId = parseId('collection', c.req.param('collectionID'));
    const page = readPage(c, 'listCollectionCallbacks');
    const list = await c.get('deps').store.listCollectionCallbacks(c.get('principal').accountId, collectionId, page);
    if (!list) throw notFound('collection', c.req.param('collectionID'));
    return jsonList('listCollectionCallbacks', list);
  })
  .post('/collection/:collectionID/callbacks', async (c) => {
    const collectionId = parseId('collection', c.req.param('collectionID'));
    const input = await readBody(c, 'createCollectionCallback');
    await checkCallbackInput(c, input);
    const secret = newSecret(input.signing ?? 'hmac');
    const max = c.get('deps').config.maxCallbacksPerDatabase;
    const result = await c.get('deps').store.createCollectionCallback(
      c.get('principal').accountId,
      collectionId,
      { ...input, secret },
      max,
    );
    if (!result) throw notFound('collection', c.req.param('collectionID'));
    if ('limitReached' in result) throw limitReached(max);
    return created('createCollectionCallback', withSecret(result.callback, secret), `/v1/callback/${result.callback.ID}`);
  })
  .get('/callback/:callbackID', async (c) => {
    const id = parseId('callback', c.req.param('callbackID'));
    const callback = await c.get('deps').store.getCallback(c.get('principal').accountId, id);
    if (callback === null) throw notFound('callback', c.req.param('callbackID'));
    return jsonText('getCallback', callback);
  })
  .on(['PUT', 'POST'], '/callback/:callbackID', async (c) => {
    const id = parseId('callback', c.req.param('callbackID'));
    const input = await readBody(c, 'updateCallback');
    await checkCallbackInput(c, input);
    const callback = await c.get('deps').store.updateCallback(c.get('principal').accountId, id, input);
    if (!callback) throw notFound('callback', c.req.param('callbackID'));
    return json('updateCallback', 200, callback, { 'x-location': `/v1/callback/${callback.ID}` });
  })
  .delete('/callback/:callbackID', async (c) => {
    const id = parseId('callback', c.req.param('callbackID'));
    if (!(await c.get('deps').store.deleteCallback(c.get('principal').accountId, id))) {
      throw notFound('callback', c.req.param('callbackID'));
    }
    return deleted('callback', String(id));
  })
  .get('/callback/:callbackID/secret', async (c) => {
    const { accountId, readOnly } = c.get('principal');
    // A secret signs messages its receiver trusts: more than a read-only token is meant to give. An
    // Ed25519 callback's public keys are public: those it gets. Refused alike whether the callback
    // exists or not (an ID too large to exist included), so that the refusal tells nothing.
    const refused = new ApiError(403, 'forbidden', 'Signing secrets are shown to tokens that may write only; this access token is read-only');
    let id: number;
    try {
      id = parseId('callback', c.req.param('callbackID'));
    } catch (error) {
      throw readOnly && error instanceof ApiError && error.status === 404 ? refused : error;
    }
    const secret = await c.get('deps').store.getCallbackSecret(accountId, id);
    if (readOnly) {
      if (secret?.publicKey === undefined) throw refused;
      const previous = secret.previous.flatMap((old) => (old.publicKey === undefined ? [] : [{ publicKey: old.publicKey, expires: old.expires }]));
      return json('getCallbackSecret', 200, { publicKey: secret.publicKey, previous });
    }
    if (!secret) throw notFound('callback', c.req.param('callbackID'));
    return json('getCallbackSecret', 200, secret);
  })
  .post('/callback/:callbackID/secret/rotate', async (c) => {
    const id = parseId('callback', c.req.param('callbackID'));
    const graceMs = c.get('deps').config.secretGraceSeconds * 1000;
    const secret = await c.get('deps').store.rotateCallbackSecret(c.get('principal').accountId, id, newSecret, graceMs);
    if (!secret) throw notFound('callback', c.req.param('callbackID'));
    return json('rotateCallbackSecret', 200, secret);
  })
  .post('/callback/:callbackID/test', async (c) => {
    const id = parseId('callback', c.req.param('callbackID'));
    const delivery = await c.get('deps').store.queueTestMessage(c.get('principal').accountId, id);
    if (!delivery) throw notFound('callback', c.req.param('callbackID'));
    return json('sendTestMessage', 202, delivery);
  });
