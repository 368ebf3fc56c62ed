// The shared client suite against the real server, seeded through the client itself.
import { createTidingsClient } from '../src/index.ts';
import { describeClientSuite } from './client.suite.ts';
import { startServer } from './support/targets.ts';

function created<T>(answer: { data?: T; error?: unknown }): T {
  if (answer.data === undefined) throw new Error(`seeding failed: ${JSON.stringify(answer.error)}`);
  return answer.data;
}

describeClientSuite('the client against the real server', async () => {
  const server = await startServer();
  try {
    const client = createTidingsClient({ baseUrl: server.baseUrl, accessToken: server.token });
    const database = created(await client.POST('/databases', { body: { name: 'customers' } }));
    const databasePath = { path: { databaseID: database.ID } };
    const collection = created(await client.POST('/database/{databaseID}/collections', { params: databasePath, body: { name: 'orders' } }));
    const profiles = [];
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      profiles.push(created(await client.POST('/database/{databaseID}/profiles', { params: databasePath, body: { fields: { email } } })));
    }
    const profile = profiles[0]?.ID ?? '';
    const subprofile = created(
      await client.POST('/profile/{profileID}/subprofiles/{collectionID}', {
        params: { path: { profileID: profile, collectionID: collection.ID } },
        body: { fields: { product: 'MacBook' } },
      }),
    );
    const callback = created(await client.POST('/database/{databaseID}/callbacks', { params: databasePath, body: { url: 'https://hooks.example.org/seed' } }));
    const delivery = created(await client.POST('/callback/{callbackID}/test', { params: { path: { callbackID: callback.ID } } }));
    return {
      ...server,
      ids: { database: database.ID, collection: collection.ID, profile, subprofile: subprofile.ID, callback: callback.ID, delivery: delivery.ID },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
});
