// The shared client suite against the contract mock (`pnpm mock`), with the examples' IDs.
import { describeClientSuite } from './client.suite.ts';
import { startMock } from './support/targets.ts';

describeClientSuite('the client against the contract mock', async () => {
  const mock = await startMock();
  return {
    ...mock,
    ids: { database: '12', collection: '34', profile: '56', subprofile: '78', callback: '21', delivery: '9001' },
  };
});
