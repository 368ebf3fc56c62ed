// pnpm tidings <command>: accounts, tokens, migrations, export and import, on the store the environment
// names. Safe while the server runs: the embedded store is a WAL SQLite file that several processes
// share, and PostgreSQL is made for it.
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openStore } from './db/open.ts';
import type { Store } from './records/store.ts';
import { newToken } from './records/tokens.ts';
import { exportStore, importStore, openExportTarget, openImportSource } from './db/transfer-file.ts';

const USAGE = `usage: pnpm tidings <command>

  accounts create NAME             create an account; prints its first token as the last line
  accounts list                    list accounts with their number of tokens
  tokens create ACCOUNT [--read-only]
                                   create a token for an account (name or ID); prints it
  tokens revoke TOKEN              revoke a token
  migrate                          apply pending migrations
  export [FILE]                    write the whole store (every account) as JSON lines to FILE or stdout
  import [FILE]                    read an export from FILE or stdin into this store, which must be empty

The store is TIDINGS_DATA_DIR (default ./data), or PostgreSQL when DATABASE_URL is set. To move an
embedded store into PostgreSQL: pnpm tidings export > tidings.jsonl, then
DATABASE_URL=postgres://… pnpm tidings import tidings.jsonl (see README, "Scaling out").`;

async function run(store: Store, args: string[]): Promise<number> {
  const [noun, verb, ...rest] = args;
  const readOnly = rest.includes('--read-only');
  const positional = rest.filter((arg) => !arg.startsWith('--'));
  const command = noun === 'export' || noun === 'import' ? noun : `${noun ?? ''} ${verb ?? ''}`.trim();
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
      console.log(`${store.dialect} store: ${ran.length === 0 ? 'migrations up to date' : `applied migration${ran.length > 1 ? 's' : ''} ${ran.join(', ')}`}`);
      return 0;
    }
    case 'export': {
      const target = openExportTarget(verb);
      const counts = await exportStore(store, target.stream);
      await target.close();
      // stdout may be the export itself, so the summary goes to stderr
      console.error(`exported ${summary(counts)} from the ${store.dialect} store${verb ? ` to ${target.path}` : ''}`);
      return 0;
    }
    case 'import': {
      const counts = await importStore(store, openImportSource(verb));
      console.log(`imported ${summary(counts)} into the ${store.dialect} store`);
      return 0;
    }
    default:
      return usage(command === '' ? '' : `unknown command "${command}"`);
  }
}

function summary(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([table, count]) => `${count} ${table}`)
    .join(', ');
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
  let store: Store | null = null;
  try {
    // migrate applies (and reports) the pending migrations itself; every other command migrates on open
    store = await openStore(loadConfig(), systemClock, { migrate: args[0] !== 'migrate' });
    process.exitCode = await run(store, args);
  } catch (caught) {
    console.error(`tidings: ${caught instanceof ConfigError ? caught.message : (caught as Error).message}`);
    process.exitCode = 1;
  } finally {
    // a PostgreSQL pool left open would keep the process alive
    await store?.close();
  }
}
