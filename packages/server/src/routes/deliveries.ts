import { Hono } from 'hono';
import type { DeliveryStatus } from '@tidings/spec';
import { readBody } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, notFound, parseId } from '../http/errors.ts';
import { readPage } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { renderBody } from '../receiver/render.ts';

export const deliveryRoutes = new Hono<AppEnv>()
  .get('/callback/:callbackID/deliveries', async (c) => {
    const callbackId = parseId('callback', c.req.param('callbackID'));
    const page = readPage(c, 'listCallbackDeliveries');
    const status = page.query.status as DeliveryStatus | undefined;
    const list = await c.get('deps').store.listDeliveries(c.get('principal').accountId, callbackId, page, status);
    if (!list) throw notFound('callback', c.req.param('callbackID'));
    return json('listCallbackDeliveries', 200, list);
  })
  .get('/delivery/:deliveryID', async (c) => {
    const id = parseId('delivery', c.req.param('deliveryID'));
    const stored = await c.get('deps').store.getDelivery(c.get('principal').accountId, id);
    if (!stored) throw notFound('delivery', c.req.param('deliveryID'));
    const { payload, method, ...delivery } = stored;
    return json('getDelivery', 200, { ...delivery, body: renderBody(payload, method).body });
  })
  .post('/delivery/:deliveryID/retry', async (c) => {
    const id = parseId('delivery', c.req.param('deliveryID'));
    const delivery = await c.get('deps').store.retryDelivery(c.get('principal').accountId, id);
    if (!delivery) throw notFound('delivery', c.req.param('deliveryID'));
    return json('retryDelivery', 202, delivery);
  })
  .post('/callback/:callbackID/replay', async (c) => {
    const callbackId = parseId('callback', c.req.param('callbackID'));
    const input = await readBody(c, 'replayCallback');
    const { store, clock } = c.get('deps');
    const since = Date.parse(`${input.since.replace(' ', 'T')}Z`);
    const until = input.until === undefined ? clock.now() : Date.parse(`${input.until.replace(' ', 'T')}Z`);
    if (Number.isNaN(since) || Number.isNaN(until)) throw new ApiError(400, 'invalid_body', 'since and until must be moments that exist, as YYYY-MM-DD HH:MM:SS (UTC)');
    if (until < since) throw new ApiError(400, 'invalid_body', `until (${input.until}) is before since (${input.since})`);
    const statuses = input.status === undefined ? REPLAYED_BY_DEFAULT : [input.status];
    // until is a whole second: the deliveries of its last millisecond belong to it
    const window = { since, until: input.until === undefined ? until : until + 999, statuses, most: REPLAY_MOST };
    const result = await store.replayDeliveries(c.get('principal').accountId, callbackId, window);
    if (!result) throw notFound('callback', c.req.param('callbackID'));
    return json('replayCallback', 202, result);
  });

/** what a replay sends again unless told a status: what the receiver never got */
const REPLAYED_BY_DEFAULT = ['exhausted', 'skipped', 'missed'];
/** deliveries one replay request queues at most (the contract's ReplayResult) */
const REPLAY_MOST = 10_000;
