// The console as a person meets it: the real server serves /console, Debian's Chromium opens it
// headless, and a person signs in, finds their callbacks, fixes one and follows its deliveries.
// Every page is checked with axe and kept as a screenshot at 1440 and 390 px (artifacts/).
import { gzipSync } from 'node:zlib';
import type { Callback, Delivery, ListEnvelope } from '@tidings/client';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, launch, offHost, openPage, type Watched } from './support/browser.ts';
import { startServer, type RunningServer } from './support/processes.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

let browser: Browser;
let server: RunningServer;
let receiver: Receiver;
let watched: Watched;
let page: Page;
let databaseID: string;
let collectionID: string;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.origin}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function open(path: string) {
  return page.goto(`${server.origin}/console${path}`, { waitUntil: 'load' });
}

async function signIn(token: string) {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Databases' }).waitFor();
}

beforeAll(async () => {
  [browser, server, receiver] = await Promise.all([launch(), startServer(), startReceiver()]);
  watched = await openPage(browser);
  page = watched.page;
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), receiver?.stop()]);
});

describe('the console at /console, on the real server', () => {
  it('is served under a strict Content-Security-Policy, with under 250 KB of gzipped JavaScript', async () => {
    const response = await fetch(`${server.origin}/console/callbacks/1`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const directive of ["script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]) {
      expect(csp).toContain(directive);
    }
    const html = await response.text();
    const scripts = [...html.matchAll(/src="(\/console\/assets\/[^"]+\.js)"/g)].map((found) => found[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    expect(html).not.toMatch(/<script>|<style|style="/);
    let gzipped = 0;
    for (const script of scripts) {
      const asset = await fetch(`${server.origin}${script}`);
      expect(asset.headers.get('content-type')).toContain('javascript');
      gzipped += gzipSync(Buffer.from(await asset.arrayBuffer()), { level: 9 }).length;
    }
    console.log(`console JavaScript: ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThan(250 * 1024);
  });

  it('asks for a token, shows the API refusing a wrong one, and lands on the databases with a right one', async () => {
    await open('/databases');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/console/sign-in');
    await checkPage(watched, 'sign-in');
    await page.getByLabel('Access token').fill('not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Invalid access token');
    await signIn(server.token);
    await page.getByText('This account has no databases yet.').waitFor();
    await checkPage(watched, 'databases-empty');
  });

  it('lists databases and their collections, and says what to do where there are no callbacks', async () => {
    databaseID = (await api<{ ID: string }>('POST', '/databases', { name: 'customers', description: 'People who buy' })).ID;
    collectionID = (await api<{ ID: string }>('POST', `/database/${databaseID}/collections`, { name: 'orders' })).ID;
    await page.reload();
    await page.getByRole('link', { name: 'customers' }).click();
    await page.getByRole('heading', { level: 1, name: 'customers' }).waitFor();
    await page.getByRole('link', { name: 'orders' }).waitFor();
    await page.getByText('No callbacks here yet.').waitFor();
    await checkPage(watched, 'database');
    await page.getByRole('link', { name: 'orders' }).click();
    await page.getByRole('heading', { level: 1, name: 'Collection orders' }).waitFor();
    await page.getByText('No callbacks here yet.').waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'customers' }).waitFor();
  });

  it('creates a callback, showing the server’s compile error at the expression field', async () => {
    await page.getByRole('link', { name: 'New callback' }).click();
    await page.getByRole('heading', { level: 1, name: 'New callback' }).waitFor();
    await page.getByLabel('URL').fill(receiver.url('/ok'));
    await page.getByLabel('Expression').fill("company == 'Apple' &&");
    await page.getByRole('button', { name: 'Create callback' }).click();
    const expression = page.getByLabel('Expression');
    await expect.poll(() => expression.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.locator('#expression-error').innerText()).toContain('does not compile');
    await checkPage(watched, 'callback-new-error');
    await expression.fill("company == 'Apple'");
    await page.getByLabel('Format').selectOption('xml');
    await page.getByRole('button', { name: 'Create callback' }).click();
    await page.getByRole('heading', { level: 1, name: /^Callback #\d+$/ }).waitFor();
    expect(await page.locator('.facts').innerText()).toContain(receiver.url('/ok'));
    expect(await page.locator('.facts').innerText()).toContain("company == 'Apple'");
  });

  it('edits the callback and switches it off and on', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Format').selectOption('json');
    await page.getByLabel('Action').selectOption('update');
    await checkPage(watched, 'callback-edit');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { level: 1, name: /^Callback #\d+$/ }).waitFor();
    await expect.poll(() => page.locator('.facts').innerText()).toMatch(/Format\s+JSON/);
    expect(await page.locator('.facts').innerText()).toMatch(/Version\s+2/);
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    expect(await page.locator('.facts').innerText()).toContain('disabled');
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
  });

  it('reveals, copies and rotates the signing secret', async () => {
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const secret = page.locator('.secret code');
    await expect.poll(() => secret.innerText()).toMatch(/^whsec_/);
    const first = await secret.innerText();
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByText(/Copied the secret to the clipboard|did not allow copying/).waitFor();
    await page.getByRole('button', { name: 'Rotate secret…' }).click();
    await page.getByRole('button', { name: 'Rotate secret', exact: true }).click();
    await expect.poll(() => secret.innerText()).not.toBe(first);
    await page.getByText('Also signing with the previous secret until').waitFor();
  });

  it('sends a test message and follows it to the delivery, its attempt and the receiver’s answer', async () => {
    await page.getByRole('button', { name: 'Send test message' }).click();
    await page.getByRole('link', { name: /^delivery #\d+$/ }).click();
    await page.getByRole('heading', { level: 1, name: /^Delivery #\d+$/ }).waitFor();
    // the page refreshes itself while the worker delivers
    await page.getByText('succeeded').first().waitFor({ timeout: 20_000 });
    await page.getByLabel('Response excerpt').waitFor();
    expect(await page.getByLabel('Response excerpt').innerText()).toBe('{\n  "received": true,\n  "by": "console test"\n}');
    // the message itself, as the receiver got it, pretty-printed
    const message = JSON.parse(await page.getByLabel('Message', { exact: true }).innerText()) as { type: string; action: string };
    expect(message).toMatchObject({ type: 'test', action: 'test' });
    expect(await page.locator('.attempts').innerText()).toMatch(/Status code\s+200/);
    await checkPage(watched, 'delivery');
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.getByText('The delivery is queued again.').waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: /^Callback #\d+$/ }).waitFor();
  });

  it('lists the deliveries newest first, filters them by status in the URL, and the back button undoes the filter', async () => {
    const callbackPath = new URL(page.url()).pathname;
    await page.locator('table a[href^="/console/deliveries/"]').first().waitFor();
    await checkPage(watched, 'callback');
    await page.getByLabel('Status').selectOption('exhausted');
    await expect.poll(() => new URL(page.url()).search).toBe('?status=exhausted');
    await page.getByText('No exhausted deliveries.').waitFor();
    await page.goBack();
    await expect.poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toBe(callbackPath);
    await page.locator('table a[href^="/console/deliveries/"]').first().waitFor();
    expect(await page.getByLabel('Status').inputValue()).toBe('');
  });

  it('creates an Ed25519 callback and shows its public key as the one to hand to receivers', async () => {
    await open(`/collections/${collectionID}/callbacks/new`);
    await page.getByLabel('URL').fill(receiver.url('/fail'));
    expect(await page.getByLabel('HMAC').isChecked()).toBe(true);
    await page.getByLabel('Ed25519').check();
    // submitted twice before the button can disable: both go with one Idempotency-Key, and one callback is made
    const keys: string[] = [];
    const onRequest = (request: Request) => {
      if (request.method() === 'POST' && request.url().endsWith(`/collection/${collectionID}/callbacks`)) keys.push(request.headers()['idempotency-key'] ?? '');
    };
    page.on('request', onRequest);
    await page.locator('form').evaluate((form: HTMLFormElement) => {
      form.requestSubmit();
      form.requestSubmit();
    });
    await page.getByRole('heading', { level: 1, name: /^Callback #\d+$/ }).waitFor();
    page.off('request', onRequest);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect((await api<ListEnvelope<Callback>>('GET', `/collection/${collectionID}/callbacks`)).total).toBe(1);
    expect(await page.locator('.facts').innerText()).toMatch(/Signing\s+Ed25519/);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await expect.poll(() => page.locator('.public-key code').innerText()).toMatch(/^whpk_/);
    expect(await page.locator('.secret code').innerText()).toMatch(/^whsk_/);
    await page.getByText('Public key: safe to share with receivers').waitFor();
    await page.getByRole('button', { name: 'Copy public key' }).click();
    await page.getByText(/Copied the public key to the clipboard|did not allow copying/).waitFor();
  });

  it('replays a window of deliveries after a failing receiver, and they go out again', async () => {
    const callbackPath = new URL(page.url()).pathname;
    const callbackID = callbackPath.split('/').at(-1) as string;
    await page.getByRole('button', { name: 'Send test message' }).click();
    // the form's times are UTC whatever the browser's zone (the test's is UTC-3)
    const utc = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 19);
    const form = page.locator('.replay-form');
    await page.getByLabel('From (UTC)').fill(utc(10 * 60_000));
    await page.getByLabel('Until (UTC, optional)').fill(utc(20 * 60_000));
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toContain('is before since');
    await page.getByLabel('Until (UTC, optional)').fill('');
    // asked of the API, sooner than the page's next refresh: the receiver refused, a retry is ten minutes away
    const statuses = async () => (await api<ListEnvelope<Delivery>>('GET', `/callback/${callbackID}/deliveries`)).data.map((delivery) => delivery.status);
    await expect.poll(statuses, { timeout: 20_000 }).toEqual(['failed']);
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await form.getByText('No deliveries in that window to queue.').waitFor();
    expect(await form.getByRole('alert').count()).toBe(0);

    // the receiver is fixed: the callback goes to one that answers 200, keeping its signing
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByText('Ed25519 (public key). Chosen when the callback was created').waitFor();
    expect(await page.getByRole('radio').count()).toBe(0);
    await page.getByLabel('URL').fill(receiver.url('/ok'));
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { level: 1, name: /^Callback #\d+$/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe(callbackPath);
    await page.locator('table .badge.failed').waitFor();

    await page.getByLabel('From (UTC)').fill(utc(10 * 60_000));
    await page.getByLabel('Which deliveries').selectOption('failed');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await form.getByText('1 delivery queued.').waitFor();
    await page.locator('table .badge.succeeded').waitFor({ timeout: 20_000 });
    expect(await page.locator('table .badge.failed').count()).toBe(0);
    // the form's answer, the public key and the refreshed list on one page for axe (the forms are checked on 'callback-new-error' and 'callback-edit')
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await page.locator('.public-key code').waitFor();
    await checkPage(watched, 'callback-replayed');
    await fetch(`${server.origin}/v1/callback/${callbackID}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.token}` },
    });
  });

  it('shows a failed delivery with the receiver’s XML answer pretty-printed', async () => {
    const callback = await api<{ ID: string }>('POST', `/collection/${collectionID}/callbacks`, { url: receiver.url('/fail'), method: 'xml' });
    const delivery = await api<{ ID: string }>('POST', `/callback/${callback.ID}/test`);
    await open(`/deliveries/${delivery.ID}`);
    await page.getByLabel('Response excerpt').waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('Response excerpt').innerText()).toBe('<error>\n  <reason>test receiver refuses</reason>\n</error>');
    expect(await page.locator('.attempts').innerText()).toMatch(/Status code\s+500/);
    await checkPage(watched, 'delivery-failed');
    await open(`/collections/${collectionID}`);
    await page.getByRole('link', { name: receiver.url('/fail') }).waitFor();
    await checkPage(watched, 'collection');
  });

  it('deletes a callback only after confirmation', async () => {
    await page.getByRole('link', { name: receiver.url('/fail') }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await checkPage(watched, 'callback-delete-confirm');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete callback' }).click();
    await page.getByRole('heading', { level: 1, name: 'Collection orders' }).waitFor();
    await page.getByText('No callbacks here yet.').waitFor();
  });

  it('shows an API error with its message', async () => {
    await open('/callbacks/999999');
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('No callback with ID "999999"');
    await checkPage(watched, 'callback-not-found');
  });

  it('signs out, forgetting the token, and gives a read-only token a console without write controls or secrets', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await signIn(server.readOnlyToken);
    await page.getByText('read-only').waitFor();
    await page.getByRole('link', { name: 'customers' }).click();
    await page.getByRole('link', { name: receiver.url('/ok') }).click();
    await page.getByRole('heading', { level: 1, name: /^Callback #\d+$/ }).waitFor();
    await page.locator('table a[href^="/console/deliveries/"]').first().waitFor();
    for (const control of ['Edit', 'Disable', 'Send test message', 'Delete…', 'Reveal secret', 'Rotate secret…', 'Replay']) {
      expect(await page.getByRole('button', { name: control }).count(), control).toBe(0);
    }
    expect(await page.getByText('Signing secret').count()).toBe(0);
    expect(await page.getByText('Replay deliveries').count()).toBe(0);
    expect(await page.locator('.facts').innerText()).toMatch(/Signing\s+HMAC/);
    await checkPage(watched, 'callback-read-only');
    await page.locator('table a[href^="/console/deliveries/"]').first().click();
    await page.getByRole('heading', { level: 1, name: /^Delivery #\d+$/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Retry now' }).count()).toBe(0);
  });

  it('is keyboard-navigable: Tab reaches the links and Enter follows them', async () => {
    await open('/databases');
    await page.getByRole('heading', { level: 1, name: 'Databases' }).waitFor();
    let focused = '';
    for (let presses = 0; presses < 10 && focused !== 'customers'; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('customers');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'customers' }).waitFor();
  });

  it('has no serious or critical accessibility violation, made no request beyond loopback and logged no error', () => {
    expect(watched.violations).toEqual([]);
    expect(offHost(watched.requests)).toEqual([]);
    // the API's refusals (400, 404, and 409 to the double submit's second create) are logged by Chromium
    // as failed loads: they are the page's to show
    const unexpected = watched.errors.filter((error) => !/^Failed to load resource: the server responded with a status of (400|403|404|409)/.test(error));
    expect(unexpected).toEqual([]);
  });
});
