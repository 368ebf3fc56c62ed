import { Hono } from 'hono';
import type { DeliveryStatus } from '@tidings/spec';
import type { AppEnv } from '../http/env.ts';
import { notFound, parseId } from '../http/errors.ts';
import { readPage } from '../http/paging.ts';
import { json } from '../http/respond.ts';

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
    const delivery = await c.get('deps').store.getDelivery(c.get('principal').accountId, id);
    if (!delivery) throw notFound('delivery', c.req.param('deliveryID'));
    return json('getDelivery', 200, delivery);
  })
  .post('/delivery/:deliveryID/retry', async (c) => {
    const id = parseId('delivery', c.req.param('deliveryID'));
    const delivery = await c.get('deps').store.retryDelivery(c.get('principal').accountId, id);
    if (!delivery) throw notFound('delivery', c.req.param('deliveryID'));
    return json('retryDelivery', 202, delivery);
  });
