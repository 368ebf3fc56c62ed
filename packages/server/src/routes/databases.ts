import { Hono } from 'hono';
import { readBody } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound, parseId } from '../http/errors.ts';
import { readPage } from '../http/paging.ts';
import { created, deleted, json } from '../http/respond.ts';

export const databaseRoutes = new Hono<AppEnv>()
  .get('/databases', async (c) => {
    const page = readPage(c, 'listDatabases');
    return json('listDatabases', 200, await c.get('deps').store.listDatabases(c.get('principal').accountId, page));
  })
  .post('/databases', async (c) => {
    const input = await readBody(c, 'createDatabase');
    const database = await c.get('deps').store.createDatabase(c.get('principal').accountId, input);
    return created('createDatabase', database, `/v1/database/${database.ID}`);
  })
  .get('/database/:databaseID', async (c) => {
    const id = parseId('database', c.req.param('databaseID'));
    const database = await c.get('deps').store.getDatabase(c.get('principal').accountId, id);
    if (!database) throw notFound('database', c.req.param('databaseID'));
    return json('getDatabase', 200, database);
  })
  .on(['PUT', 'POST'], '/database/:databaseID', async (c) => {
    const id = parseId('database', c.req.param('databaseID'));
    const input = await readBody(c, 'updateDatabase');
    const database = await c.get('deps').store.updateDatabase(c.get('principal').accountId, id, input);
    if (!database) throw notFound('database', c.req.param('databaseID'));
    return json('updateDatabase', 200, database, { 'x-location': `/v1/database/${database.ID}` });
  })
  .delete('/database/:databaseID', async (c) => {
    const id = parseId('database', c.req.param('databaseID'));
    if (!(await c.get('deps').store.deleteDatabase(c.get('principal').accountId, id))) {
      throw notFound('database', c.req.param('databaseID'));
    }
    return deleted('database', String(id));
  });
