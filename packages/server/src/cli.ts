// pnpm tidings <command>: accounts, tokens and migrations, on the store the environment names.
// Safe while the server runs: the embedded store is a WAL SQLite file that several processes share.
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openStore } from './store/open.ts';
import type { Store } from './store/store.ts';
import { newToken } from './store/tokens.ts';

const USAGE = `usage: pnpm tidings <command>

  accounts create NAME             create an account; prints its first token as the last line
  accounts list                    list accounts with their number of tokens
  tokens create ACCOUNT [--read-only]
                                   create a token for an account (name or ID); prints it
  tokens revoke TOKEN              revoke a token
  migrate                          apply pending migrations

The store is TIDINGS_DATA_DIR (default ./data), or PostgreSQL when DATABASE_URL is set.`;

async function run(store: Store, args: string[]): Promise<number> {
  const [noun, verb, ...rest] = args;
  const readOnly = rest.includes('--read-only');
  const positional = rest.filter((arg) => !arg.startsWith('--'));
  const command = `${noun ?? ''} ${verb ?? ''}`.trim();
  switch (command) {
    case 'accounts create': {
      const name = positional[0];
      if (!name) return usage('accounts create needs a NAME');
      const account = await store.createAccount(name);
      if (!account) return error(`an account named "${name}" already exists`);
      const token = newToken();
      await store.addToken(account.id, token, false);
      console.log(`created account ${account.id} "${account.name}"; its token:`);
      console.log(token);
      return 0;
    }
    case 'accounts list': {
      const accounts = await store.listAccounts();
      if (accounts.length === 0) console.log('no accounts yet: pnpm tidings accounts create NAME');
      for (const account of accounts) {
        console.log(`${account.id}\t${account.name}\t${account.tokens} token${account.tokens === 1 ? '' : 's'}\tcreated ${account.created}`);
      }
      return 0;
    }
    case 'tokens create': {
      const ref = positional[0];
      if (!ref) return usage('tokens create needs an ACCOUNT (name or ID)');
      const account = await store.findAccount(ref);
      if (!account) return error(`no account "${ref}"`);
      const token = newToken();
      await store.addToken(account.id, token, readOnly);
      console.log(`created a ${readOnly ? 'read-only' : 'read-write'} token for account ${account.id} "${account.name}":`);
      console.log(token);
      return 0;
    }
    case 'tokens revoke': {
      const token = positional[0];
      if (!token) return usage('tokens revoke needs a TOKEN');
      if (!(await store.revokeToken(token))) return error('no such token');
      console.log('revoked');
      return 0;
    }
    case 'migrate': {
      const ran = await store.migrate();
      console.log(ran.length === 0 ? 'migrations: up to date' : `migrations: applied ${ran.join(', ')}`);
      return 0;
    }
    default:
      return usage(command === '' ? '' : `unknown command "${command}"`);
  }
}

function usage(problem: string): number {
  if (problem) console.error(`tidings: ${problem}\n`);
  console.error(USAGE);
  return 2;
}

function error(message: string): number {
  console.error(`tidings: ${message}`);
  return 1;
}

const args = process.argv.slice(2);
if (args.length === 0 || args[0] === '--help' || args[0] === 'help') {
  console.log(USAGE);
} else {
  try {
    const store = await openStore(loadConfig(), systemClock);
    process.exitCode = await run(store, args);
    await store.close();
  } catch (caught) {
    console.error(`tidings: ${caught instanceof ConfigError ? caught.message : (caught as Error).message}`);
    process.exitCode = 1;
  }
}
