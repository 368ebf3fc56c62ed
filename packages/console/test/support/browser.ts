// Debian's Chromium, headless on a machine with no network (the docs test's flags), with the checks
// every console page gets: axe finds no serious or critical violation at 1440 and 390 px, and a
// screenshot at both widths goes to artifacts/ at the repository root.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's hosts, which a closed
// network refuses; with them, any request the test sees came from the page itself.
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const WIDE = { width: 1440, height: 900 };
export const NARROW = { width: 390, height: 844 };
const artifactsDir = fileURLToPath(new URL('../../../../artifacts/', import.meta.url));

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing. The console browser tests run Debian's Chromium: install it with ` +
        '`apt-get install -y chromium` as root (`./tidings test` does so through scripts/test-prerequisites.sh).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** A page that records what it requested and every error it logged (a CSP violation is one). */
export interface Watched {
  context: BrowserContext;
  page: Page;
  requests: string[];
  errors: string[];
  violations: string[];
}

export async function openPage(browser: Browser): Promise<Watched> {
  const context = await browser.newContext({ viewport: WIDE });
  const page = await context.newPage();
  const watched: Watched = { context, page, requests: [], errors: [], violations: [] };
  context.on('request', (request) => watched.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  return watched;
}

/** Runs axe at both widths, keeps a screenshot of each, and records serious and critical violations. */
export async function checkPage(watched: Watched, name: string): Promise<void> {
  const { page } = watched;
  mkdirSync(artifactsDir, { recursive: true });
  for (const [label, viewport] of [['1440', WIDE], ['390', NARROW]] as const) {
    await page.setViewportSize(viewport);
    const result = await new AxeBuilder({ page }).analyze();
    for (const violation of result.violations) {
      if (violation.impact === 'serious' || violation.impact === 'critical') {
        watched.violations.push(`${name} @${label}: ${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      }
    }
    await page.screenshot({ path: join(artifactsDir, `console-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(WIDE);
}

/** Requests that left loopback (data: and blob: URLs stay in the page). */
export function offHost(requests: string[]): string[] {
  return requests.filter((url) => {
    const { protocol, hostname } = new URL(url);
    return !['data:', 'blob:'].includes(protocol) && !['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
  });
}
