import { Hono } from 'hono';
import { readBody } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound, parseId } from '../http/errors.ts';
import { readPage } from '../http/paging.ts';
import { created, deleted, json } from '../http/respond.ts';

export const collectionRoutes = new Hono<AppEnv>()
  .get('/database/:databaseID/collections', async (c) => {
    const databaseId = parseId('database', c.req.param('databaseID'));
    const page = readPage(c, 'listCollections');
    const list = await c.get('deps').store.listCollections(c.get('principal').accountId, databaseId, page);
    if (!list) throw notFound('database', c.req.param('databaseID'));
    return json('listCollections', 200, list);
  })
  .post('/database/:databaseID/collections', async (c) => {
    const databaseId = parseId('database', c.req.param('databaseID'));
    const input = await readBody(c, 'createCollection');
    const collection = await c.get('deps').store.createCollection(c.get('principal').accountId, databaseId, input);
    if (!collection) throw notFound('database', c.req.param('databaseID'));
    return created('createCollection', collection, `/v1/collection/${collection.ID}`);
  })
  .get('/collection/:collectionID', async (c) => {
    const id = parseId('collection', c.req.param('collectionID'));
    const collection = await c.get('deps').store.getCollection(c.get('principal').accountId, id);
    if (!collection) throw notFound('collection', c.req.param('collectionID'));
    return json('getCollection', 200, collection);
  })
  .on(['PUT', 'POST'], '/collection/:collectionID', async (c) => {
    const id = parseId('collection', c.req.param('collectionID'));
    const input = await readBody(c, 'updateCollection');
    const collection = await c.get('deps').store.updateCollection(c.get('principal').accountId, id, input);
    if (!collection) throw notFound('collection', c.req.param('collectionID'));
    return json('updateCollection', 200, collection, { 'x-location': `/v1/collection/${collection.ID}` });
  })
  .delete('/collection/:collectionID', async (c) => {
    const id = parseId('collection', c.req.param('collectionID'));
    if (!(await c.get('deps').store.deleteCollection(c.get('principal').accountId, id))) {
      throw notFound('collection', c.req.param('collectionID'));
    }
    return deleted('collection', String(id));
  });
