// A shopper's first visit, in Debian's Chromium through Playwright:
// home page -> search with a typo -> product -> add to cart. The cart badge
// must change without a page load, which only the hydrated app can do.
// Run by `./dev.sh test` against a freshly seeded store (BAZAAR_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { expectAccessible } from './axe.mjs';

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
  await expectAccessible(page, 'the home page');

  await page.fill('[data-testid=search-input]', 'sweatr');
  await page.press('[data-testid=search-input]', 'Enter');
  await page.waitForURL(/\/search\?q=sweatr/);
  await hydrated(page);
  const firstHit = page.locator('[data-testid=product-card]').first();
  assert.match(await firstHit.textContent(), /Sweater/, 'the typo still finds sweaters');
  await expectAccessible(page, 'search results');

  await firstHit.locator('a').click();
  await page.waitForURL(/\/p\//);
  await page.waitForSelector('[data-testid=product-title]');
  const title = await page.textContent('[data-testid=product-title]');
  assert.match(title, /Sweater/);
  await hydrated(page);
  await expectAccessible(page, 'the product page');

  // A marker on window survives only if the page is not reloaded.
  await page.evaluate(() => { window.__stillTheSamePage = true; });
  await page.click('[data-testid=add-to-cart]');
  await page.waitForFunction(() => document.querySelector('[data-testid=cart-count]')?.textContent === '1');
  assert.equal(await page.evaluate(() => window.__stillTheSamePage), true, 'no page load happened');
  assert.match(await page.textContent('[data-testid=cart-message]'), /Added to your cart/);
  await expectAccessible(page, 'the product page after adding to the cart');

  // The mini-cart shows what is in the cart without leaving the page.
  await page.click('[data-testid=mini-cart-toggle]');
  await page.waitForSelector('[data-testid=mini-cart-line]');
  assert.ok((await page.textContent('[data-testid=mini-cart]')).includes(`1 × ${title.trim()}`), 'the line is listed');
  assert.equal(await page.getAttribute('[data-testid=mini-cart-toggle]', 'aria-expanded'), 'true');
  await expectAccessible(page, 'the product page with the mini-cart open');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=mini-cart]', { state: 'detached' });
  assert.equal(await page.evaluate(() => window.__stillTheSamePage), true, 'still no page load');

  assert.deepEqual(errors, [], 'no errors in the browser console');
  await page.close();
});

test('a missing product shows the not-found page with status 404', async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${BASE}/p/this-product-does-not-exist`);
  assert.equal(response.status(), 404);
  assert.ok(await page.locator('[data-testid=not-found]').isVisible());
  await expectAccessible(page, 'the not-found page');
  await page.close();
});

test('the API reference renders offline from our own site', async () => {
  const page = await browser.newPage();
  const exceptions = [];
  page.on('pageerror', (e) => exceptions.push(e.message));
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(BASE)) outside.push(r.url()); });

  await page.goto(`${BASE}/api/docs`);
  await page.getByText('Lists products for sale', { exact: false }).first().waitFor({ timeout: 30_000 });

  // The viewer draws its parts as it goes: wait for this one, not for another.
  const writeRoutes = page.getByText('catalog admin').first();
  await writeRoutes.waitFor();
  assert.ok(await writeRoutes.isVisible(), 'the write routes are listed');
  assert.deepEqual(outside, [], 'no request left the shop');
  // Scalar logs a Vue hydration notice of its own; real failures are exceptions.
  assert.deepEqual(exceptions, [], 'the viewer ran without exceptions');
  await page.close();
});

const countIn = (text) => Number(/\((\d+)\)/.exec(text)?.[1] ?? NaN);
const totalOf = async (page) => Number(/(\d+) products found/.exec(await page.textContent('[data-testid=result-count]'))[1]);

test('a shopper narrows a search with facets, pages through it and picks a variant', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);

  await page.goto(`${BASE}/search?q=sweater`);
  await hydrated(page);
  await page.evaluate(() => { window.__stillTheSamePage = true; });

  // Two vendors: products of either, and the counts said so in advance.
  const unselected = page.locator('[data-testid=facet-vendor] a[data-selected=false]');
  const first = countIn(await unselected.nth(0).textContent());
  await unselected.nth(0).click();
  await page.waitForURL(/vendor=/);
  await page.waitForFunction((n) => document.querySelector('[data-testid=result-count]')?.textContent.startsWith(`${n} `), first);
  const second = countIn(await unselected.nth(0).textContent());
  await unselected.nth(0).click();
  await page.waitForURL(/vendor=.*vendor=/);
  await page.waitForFunction((n) => document.querySelector('[data-testid=result-count]')?.textContent.startsWith(`${n} `), first + second);
  assert.equal(await totalOf(page), first + second, 'values of one facet add up');
  assert.equal(await page.locator('[data-testid=facet-vendor] a[data-selected=true]').count(), 2);
  await expectAccessible(page, 'search with facets chosen');

  // Pages, and back again with the browser's back button.
  if (first + second > 24) {
    await page.click('[data-testid=pagination] a[rel=next]');
    await page.waitForURL(/page=2/);
    await page.getByText(/Page 2 of/).waitFor();
    await page.goBack();
    await page.waitForURL((url) => !url.search.includes('page=2'));
    await page.getByText(/Page 1 of/).waitFor();
  }
  assert.equal(await page.evaluate(() => window.__stillTheSamePage), true, 'filters and pages without a reload');

  // Open products until one has a second size to pick.
  const cards = await page.locator('[data-testid=product-card] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let picked = false;
  for (const href of cards.slice(0, 12)) {
    await page.goto(`${BASE}${href}`);
    await hydrated(page);
    const choices = page.locator('[data-testid=option-value]:not([aria-current])');
    if (await choices.count() === 0) continue;
    await page.evaluate(() => { window.__stillTheSamePage = true; });
    const imageBefore = await page.getAttribute('[data-testid=product-image]', 'src');
    const label = (await choices.first().textContent()).replace(' (sold out)', '');
    await choices.first().click();
    await page.waitForURL(/\?variant=\d+/);
    await page.waitForFunction((v) => document.querySelector('[data-testid=variant-picker] [aria-current=true]')?.textContent.startsWith(v), label);
    const variantId = new URL(page.url()).searchParams.get('variant');
    assert.match(await page.getAttribute('[data-testid=product-image]', 'src'), new RegExp(`/variants/${variantId}\\.svg$`), 'the picture follows the variant');
    assert.notEqual(await page.getAttribute('[data-testid=product-image]', 'src'), imageBefore);
    assert.equal(await page.evaluate(() => window.__stillTheSamePage), true, 'picking a variant does not reload');
    picked = true;
    break;
  }
  assert.ok(picked, 'one of the first products came in several sizes');
  assert.deepEqual(errors, [], 'no errors in the browser console');
  await page.close();
});
