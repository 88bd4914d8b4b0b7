// A shopper's first visit, in Debian's Chromium through Playwright:
// home page -> search with a typo -> product -> add to cart. The cart badge
// must change without a page load, which only the hydrated app can do.
// Run by `./dev.sh test` against a freshly seeded store (BAZAAR_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = process.env.BAZAAR_URL ?? 'http://127.0.0.1:3000';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function waitForServer() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no server answered at ${BASE}`);
}

let browser;
before(async () => {
  await waitForServer();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => { await browser?.close(); });

function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}

const hydrated = (page) => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });

test('a shopper finds a product despite a typo and adds it to the cart without a reload', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);

  await page.goto(`${BASE}/`);
  await hydrated(page);
  assert.ok(await page.locator('[data-testid=product-card]').count() > 0, 'featured products on the home page');
  assert.equal(await page.textContent('[data-testid=cart-count]'), '0');

  await page.fill('[data-testid=search-input]', 'sweatr');
  await page.press('[data-testid=search-input]', 'Enter');
  await page.waitForURL(/\/search\?q=sweatr/);
  await hydrated(page);
  const firstHit = page.locator('[data-testid=product-card]').first();
  assert.match(await firstHit.textContent(), /Sweater/, 'the typo still finds sweaters');

  await firstHit.locator('a').click();
  await page.waitForURL(/\/p\//);
  await page.waitForSelector('[data-testid=product-title]');
  const title = await page.textContent('[data-testid=product-title]');
  assert.match(title, /Sweater/);

  // A marker on window survives only if the page is not reloaded.
  await page.evaluate(() => { window.__stillTheSamePage = true; });
  await page.click('[data-testid=add-to-cart]');
  await page.waitForFunction(() => document.querySelector('[data-testid=cart-count]')?.textContent === '1');
  assert.equal(await page.evaluate(() => window.__stillTheSamePage), true, 'no page load happened');
  assert.match(await page.textContent('[data-testid=cart-message]'), /Added to your cart/);

  assert.deepEqual(errors, [], 'no errors in the browser console');
  await page.close();
});

test('a missing product shows the not-found page with status 404', async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${BASE}/p/this-product-does-not-exist`);
  assert.equal(response.status(), 404);
  assert.ok(await page.locator('[data-testid=not-found]').isVisible());
  await page.close();
});
