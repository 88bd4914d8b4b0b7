// Stock on the product page follows changes live, in Debian's Chromium
// through Playwright: the page is open, an admin changes the stock through
// the API, and the page shows the new count without a reload.
// Run by `./dev.sh test` against a freshly seeded store (BAZAAR_URL) whose
// admin token is BAZAAR_ADMIN_TOKEN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = process.env.BAZAAR_URL ?? 'http://127.0.0.1:3000';
const TOKEN = process.env.BAZAAR_ADMIN_TOKEN;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let browser;
before(async () => { browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }); });
after(async () => { await browser?.close(); });

test('the product page shows a stock change without a reload', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });

  const list = await (await page.request.get(`${BASE}/api/v1/products?limit=10`)).json();
  const card = list.items.find((p) => p.in_stock);
  const detail = await (await page.request.get(`${BASE}/api/v1/products/${card.id}`)).json();
  const variant = detail.variants.find((v) => v.stock > 0);
  // Notes when the page's stock socket is open: the server follows the
  // variants from then on, so a change made after it reaches the page.
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    window.__stockSocketOpen = false;
    window.WebSocket = class extends Native {
      constructor(url, protocols) {
        super(url, protocols);
        if (String(url).includes('/ws/stock')) this.addEventListener('open', () => { window.__stockSocketOpen = true; });
      }
    };
  });
  await page.goto(`${BASE}/p/${card.slug}?variant=${variant.id}`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  assert.equal(await page.textContent('[data-testid=variant-stock]'), `${variant.stock} in stock`);
  await page.evaluate(() => { window.__stillTheSamePage = true; });
  // The socket opens once the page is live: wait for it, not for a guessed moment.
  await page.waitForFunction(() => window.__stockSocketOpen === true, null, { timeout: 10_000 });

  const target = variant.stock + 7;
  const changed = await page.request.patch(`${BASE}/api/v1/variants/${variant.id}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
    data: { stock: target },
  });
  assert.equal(changed.status(), 200);

  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=variant-stock]')?.textContent === `${n} in stock`, target, { timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.__stillTheSamePage), true, 'no reload');
  assert.deepEqual(errors, [], 'no errors in the browser console');
  await page.close();
});
