// The console against the contract mock (`./tidings mock`): the flows that need no stored data,
// on the contract's examples. The page is opened on the mock's origin, its files answered from the
// build with the server's headers, so its API calls reach the mock same-origin, as on the server.
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../server/src/http/console.ts';
import { checkPage, launch, offHost, openPage, type Watched } from './support/browser.ts';
import { startMock } from './support/processes.ts';

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
let browser: Browser;
let mock: Awaited<ReturnType<typeof startMock>>;
let watched: Watched;
let page: Page;

beforeAll(async () => {
  [browser, mock] = await Promise.all([launch(), startMock()]);
  watched = await openPage(browser);
  page = watched.page;
  await page.route(`${mock.origin}/console/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const asset = path.startsWith('/console/assets/') ? join(distDir, path.slice('/console/'.length)) : join(distDir, 'index.html');
    const type = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' }[extname(asset)] ?? 'application/octet-stream';
    return route.fulfill({ body: readFileSync(asset), headers: { 'content-type': type, 'content-security-policy': CONSOLE_CSP } });
  });
});

afterAll(async () => {
  await browser?.close();
  await mock?.stop();
});

describe('the console against the contract mock', () => {
  it('signs in with any token and, the mock answering the secret, offers the write controls', async () => {
    await page.goto(`${mock.origin}/console/`);
    await page.getByLabel('Access token').fill('tid_any_token_works_on_the_mock');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'customers' }).waitFor();
    expect(await page.getByText('read-only').count()).toBe(0);
    await checkPage(watched, 'mock-databases');
  });

  it('walks from a database to a callback, its deliveries and a delivery of the examples', async () => {
    await page.getByRole('link', { name: 'customers' }).click();
    await page.getByRole('link', { name: 'https://hooks.example.org/tidings' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Callback #21' }).waitFor();
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await expect.poll(() => page.locator('.secret code').innerText()).toMatch(/^whsec_/);
    await page.getByRole('link', { name: '#9001' }).click();
    await page.getByRole('heading', { level: 1, name: 'Delivery #9001' }).waitFor();
    expect(await page.locator('.attempts').innerText()).toMatch(/Status code\s+200/);
    await checkPage(watched, 'mock-delivery');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Callback #21' }).waitFor();
  });

  it('creates a callback and shows the one the contract answers', async () => {
    await page.goto(`${mock.origin}/console/databases/12/callbacks/new`);
    await page.getByLabel('URL').fill('https://hooks.example.org/tidings');
    await page.getByRole('button', { name: 'Create callback' }).click();
    await page.getByRole('heading', { level: 1, name: 'Callback #21' }).waitFor();
  });

  it('shows the mock’s refusal of an unknown route with its message', async () => {
    await page.goto(`${mock.origin}/console/deliveries/0`);
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/delivery ID/i);
  });

  it('has no serious or critical accessibility violation and made no request beyond loopback', () => {
    expect(watched.violations).toEqual([]);
    expect(offHost(watched.requests)).toEqual([]);
    const unexpected = watched.errors.filter((error) => !/^Failed to load resource: the server responded with a status of (400|403|404)/.test(error));
    expect(unexpected).toEqual([]);
  });
});
