import { Hono } from 'hono';
import { readBody } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound, parseId } from '../http/errors.ts';
import { readPage } from '../http/paging.ts';
import { created, deleted, json } from '../http/respond.ts';
import { fieldLimits } from './field-limits.ts';

export const profileRoutes = new Hono<AppEnv>()
  .get('/database/:databaseID/profiles', async (c) => {
    const databaseId = parseId('database', c.req.param('databaseID'));
    const page = readPage(c, 'listProfiles');
    const list = await c.get('deps').store.listProfiles(c.get('principal').accountId, databaseId, page);
    if (!list) throw notFound('database', c.req.param('databaseID'));
    return json('listProfiles', 200, list);
  })
  .post('/database/:databaseID/profiles', async (c) => {
    const databaseId = parseId('database', c.req.param('databaseID'));
    const input = await readBody(c, 'createProfile');
    const profile = await c.get('deps').store.createProfile(c.get('principal').accountId, databaseId, input);
    if (!profile) throw notFound('database', c.req.param('databaseID'));
    return created('createProfile', profile, `/v1/profile/${profile.ID}`);
  })
  .get('/profile/:profileID', async (c) => {
    const id = parseId('profile', c.req.param('profileID'));
    const profile = await c.get('deps').store.getProfile(c.get('principal').accountId, id);
    if (!profile) throw notFound('profile', c.req.param('profileID'));
    return json('getProfile', 200, profile);
  })
  .on(['PUT', 'POST'], '/profile/:profileID', async (c) => {
    const id = parseId('profile', c.req.param('profileID'));
    const input = await readBody(c, 'updateProfile');
    const profile = await c.get('deps').store.updateProfile(c.get('principal').accountId, id, input, fieldLimits(c));
    if (!profile) throw notFound('profile', c.req.param('profileID'));
    return json('updateProfile', 200, profile, { 'x-location': `/v1/profile/${profile.ID}` });
  })
  .delete('/profile/:profileID', async (c) => {
    const id = parseId('profile', c.req.param('profileID'));
    if (!(await c.get('deps').store.deleteProfile(c.get('principal').accountId, id))) {
      throw notFound('profile', c.req.param('profileID'));
    }
    return deleted('profile', String(id));
  });
