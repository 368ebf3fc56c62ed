import { Hono } from 'hono';
import { readBody } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound, parseId } from '../http/errors.ts';
import { readPage } from '../http/paging.ts';
import { created, deleted, json } from '../http/respond.ts';
import { fieldLimits } from './field-limits.ts';

export const subprofileRoutes = new Hono<AppEnv>()
  .get('/profile/:profileID/subprofiles/:collectionID', async (c) => {
    const profileId = parseId('profile', c.req.param('profileID'));
    const collectionId = parseId('collection', c.req.param('collectionID'));
    const page = readPage(c, 'listProfileSubprofiles');
    const list = await c.get('deps').store.listProfileSubprofiles(c.get('principal').accountId, profileId, collectionId, page);
    if (list === 'profile_not_found') throw notFound('profile', c.req.param('profileID'));
    if (list === 'collection_not_found') throw notFound('collection', c.req.param('collectionID'));
    return json('listProfileSubprofiles', 200, list);
  })
  .post('/profile/:profileID/subprofiles/:collectionID', async (c) => {
    const profileId = parseId('profile', c.req.param('profileID'));
    const collectionId = parseId('collection', c.req.param('collectionID'));
    const input = await readBody(c, 'createSubprofile');
    const subprofile = await c.get('deps').store.createSubprofile(c.get('principal').accountId, profileId, collectionId, input);
    if (subprofile === 'profile_not_found') throw notFound('profile', c.req.param('profileID'));
    if (subprofile === 'collection_not_found') throw notFound('collection', c.req.param('collectionID'));
    return created('createSubprofile', subprofile, `/v1/subprofile/${subprofile.ID}`);
  })
  .get('/collection/:collectionID/subprofiles', async (c) => {
    const collectionId = parseId('collection', c.req.param('collectionID'));
    const page = readPage(c, 'listCollectionSubprofiles');
    const list = await c.get('deps').store.listCollectionSubprofiles(c.get('principal').accountId, collectionId, page);
    if (!list) throw notFound('collection', c.req.param('collectionID'));
    return json('listCollectionSubprofiles', 200, list);
  })
  .get('/subprofile/:subprofileID', async (c) => {
    const id = parseId('subprofile', c.req.param('subprofileID'));
    const subprofile = await c.get('deps').store.getSubprofile(c.get('principal').accountId, id);
    if (!subprofile) throw notFound('subprofile', c.req.param('subprofileID'));
    return json('getSubprofile', 200, subprofile);
  })
  .on(['PUT', 'POST'], '/subprofile/:subprofileID', async (c) => {
    const id = parseId('subprofile', c.req.param('subprofileID'));
    const input = await readBody(c, 'updateSubprofile');
    const subprofile = await c.get('deps').store.updateSubprofile(c.get('principal').accountId, id, input, fieldLimits(c));
    if (!subprofile) throw notFound('subprofile', c.req.param('subprofileID'));
    return json('updateSubprofile', 200, subprofile, { 'x-location': `/v1/subprofile/${subprofile.ID}` });
  })
  .delete('/subprofile/:subprofileID', async (c) => {
    const id = parseId('subprofile', c.req.param('subprofileID'));
    if (!(await c.get('deps').store.deleteSubprofile(c.get('principal').accountId, id))) {
      throw notFound('subprofile', c.req.param('subprofileID'));
    }
    return deleted('subprofile', String(id));
  });
