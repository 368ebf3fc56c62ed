// The API reference as a reader meets it: the real server serves /docs, Debian's Chromium opens it
// headless on a machine with no network, and everything the contract declares must be on the page.
// Screenshots go to artifacts/ at the repository root, where CI keeps them.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, operations, resolve, tags, type Operation } from './support/contract.ts';
import { startServer, type RunningServer } from './support/server.ts';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's hosts, which a closed
// network refuses; with them, any request the test sees came from the page itself.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const VIEWPORT = { width: 1440, height: 900 };
const artifactsDir = join(dirname(fileURLToPath(import.meta.url)), '../../../artifacts');

let server: RunningServer | undefined;
let profileDir: string | undefined;
let context: BrowserContext | undefined;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing. The docs browser test runs Debian's Chromium: install it with ` +
        '`apt-get install -y chromium` as root (`./tidings test` does so through scripts/test-prerequisites.sh).',
    );
  }
  server = await startServer();
  profileDir = mkdtempSync(join(tmpdir(), 'tidings-docs-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: VIEWPORT,
  });
  context.on('request', (request) => requests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

/** The titles of the rendered sections, without their badges ("Webhook"). */
function headings(): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('#api-content :is(h1, h2, h3)')].map((heading) => {
      const title = heading.cloneNode(true) as Element;
      for (const badge of title.querySelectorAll('[data-component-name^="Tag/"]')) badge.remove();
      return title.textContent?.trim() ?? '';
    }),
  );
}

function contentText(): Promise<string> {
  return page.locator('#api-content').innerText();
}

/**
 * Opens a tag from the sidebar, as a reader does, and scrolls down until the sections of all its
 * operations have rendered (Redoc mounts each one as it nears the viewport). Returns the headings.
 */
async function showTag(tag: string): Promise<string[]> {
  const summaries = operations.filter((operation) => operation.tag === tag).map((operation) => operation.summary);
  await page.locator('[data-component-name="Menu/Menu"]').getByRole('link', { name: tag, exact: true }).click();
  await page.mouse.move(VIEWPORT.width * 0.4, VIEWPORT.height / 2);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = await headings();
    const missing = summaries.filter((summary) => !shown.includes(summary));
    if (missing.length === 0) return shown;
    if (Date.now() > deadline) throw new Error(`${tag}: these operations did not render: ${missing.join('; ')}`);
    await page.mouse.wheel(0, VIEWPORT.height);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  }
}

function firstExample(operationKey: string, mediaType: string): unknown {
  const operation = operations.find((candidate) => candidate.webhook && candidate.key === operationKey);
  const body = resolve<{ content: Record<string, { examples: Record<string, unknown> }> }>(operation?.definition.requestBody);
  const example = Object.values(body.content[mediaType]?.examples ?? {})[0];
  return resolve<{ value: unknown }>(example).value;
}

describe('the API reference at /docs', () => {
  it('is announced by the server, next to the bundled contract at /openapi.json', async () => {
    expect(server?.docsUrl).toBe(`${server?.origin}/docs`);
    const contract = await fetch(`${server?.origin}/openapi.json`);
    expect(contract.status).toBe(200);
    expect(await contract.json()).toEqual(bundle);
  });

  it('opens in the browser and Redoc brings it to life', async () => {
    const response = await page.goto(server?.docsUrl ?? '', { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Tidings API reference');
    // The server-rendered HTML already holds the text; Redoc is running once its search box, which
    // says "Loading..." until the search index is built (in a worker), offers to search.
    await page.getByTestId('search-trigger').getByText('Search').waitFor();
    // Redoc marks its sections `content-visibility: auto`, so Chromium skips laying out those far
    // from the viewport: innerText would miss them and a full-page screenshot would show them blank.
    await page.addStyleTag({ content: '#redoc * { content-visibility: visible !important; }' });
    const guide = await contentText();
    expect(guide).toContain('Tidings keeps databases of profiles');
    for (const section of ['Authentication', 'Paging', 'Errors', 'Verifying a signature', 'Retries']) {
      expect(await headings()).toContain(section);
    }
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: join(artifactsDir, 'docs-top.png') });
  });

  it('renders every operation of the contract, each under its tag', async () => {
    const rendered = new Set<string>();
    for (const tag of tags) {
      for (const heading of await showTag(tag.name)) rendered.add(heading);
      expect(rendered).toContain(tag.name);
    }
    const missing = operations.filter((operation) => !rendered.has(operation.summary));
    expect(missing.map((operation) => `${operation.operationId}: ${operation.summary}`)).toEqual([]);
  });

  it('renders the Callbacks section with a curl and a TypeScript sample for each operation', async () => {
    await showTag('Callbacks');
    const text = await contentText();
    const description = tags.find((tag) => tag.name === 'Callbacks')?.description ?? '';
    expect(text).toContain(description);
    const callbacks = operations.filter((candidate) => candidate.tag === 'Callbacks');
    const sampleLine = (operation: Operation, label: string, pattern: RegExp) =>
      operation.definition['x-codeSamples']
        ?.find((sample) => sample.label === label)
        ?.source.split('\n')
        .find((line) => pattern.test(line));
    for (const operation of callbacks) {
      expect(text, operation.operationId).toContain(sampleLine(operation, 'curl', /^curl /));
    }
    await page.getByRole('button', { name: 'curl', exact: true }).first().click();
    await page.getByRole('menuitem', { name: 'TypeScript' }).click();
    await expect.poll(contentText).toContain('createTidingsClient');
    const typescript = await contentText();
    for (const operation of callbacks) {
      expect(typescript, operation.operationId).toContain(sampleLine(operation, 'TypeScript', /await tidings\./));
    }
  });

  it('renders the Webhooks section with the JSON and the XML message', async () => {
    const shown = await showTag('Webhooks');
    expect(shown).toEqual(expect.arrayContaining(['Webhooks', 'Receive a JSON message', 'Receive an XML message']));
    const text = await contentText();
    expect(text).toContain(tags.find((tag) => tag.name === 'Webhooks')?.description);
    expect(text).toContain('webhook-signature');
    const json = firstExample('jsonCallback', 'application/json') as { id: string };
    expect(text).toContain(`"${json.id}"`);
    const xml = (firstExample('xmlCallback', 'application/xml') as string).split('\n').map((line) => line.trim());
    for (const line of xml.filter((candidate) => /^<(callback|id)>/.test(candidate))) expect(text).toContain(line);
    await page.getByRole('heading', { name: 'Receive an XML message' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifactsDir, 'docs-webhooks.png') });
  });

  it('looks finished on a full-page screenshot', async () => {
    await showTag('Callbacks');
    await page.evaluate(() => window.scrollTo(0, 0));
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeGreaterThan(VIEWPORT.height * 10);
    await page.screenshot({ path: join(artifactsDir, 'docs.png'), fullPage: true });
  });

  it('made no request beyond loopback and logged no error', () => {
    expect(requests).toContain(server?.docsUrl);
    const offHost = requests.filter((url) => {
      const { protocol, hostname } = new URL(url);
      return !['data:', 'blob:'].includes(protocol) && !['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
    });
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
