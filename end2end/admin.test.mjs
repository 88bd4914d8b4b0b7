// The catalog admin, in Debian's Chromium through Playwright: sign in with
// the admin token -> create a product with two variants (a bad price is
// caught beside its field) -> change a variant -> upload an image and see
// its rendition -> find the product in the list and archive it in bulk ->
// add a category -> import a CSV whose bad row is reported by line -> see a
// payment event and replay it.
// Run by `./dev.sh test` against a freshly seeded store (BAZAAR_URL) whose
// admin token is BAZAAR_ADMIN_TOKEN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { expectAccessible } from './axe.mjs';
import zlib from 'node:zlib';

const BASE = process.env.BAZAAR_URL ?? 'http://127.0.0.1:3000';
const TOKEN = process.env.BAZAAR_ADMIN_TOKEN;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// A small PNG made here: an 8-bit RGB gradient, zlib-compressed.
function png(width, height) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([x * 8, y * 8, 120], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

let browser;
before(async () => {
  assert.ok(TOKEN, 'BAZAAR_ADMIN_TOKEN names the store\'s admin token');
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
const stamp = Date.now().toString(36).toUpperCase();

test('an admin creates, edits, illustrates and archives a product, then edits categories and imports a CSV', async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  // The sign-in page answers 401 until the token is given.
  const first = await page.goto(`${BASE}/admin`);
  assert.equal(first.status(), 401);
  await hydrated(page);
  await page.fill('#admin-token', 'certainly-not-the-token-0000000000');
  await page.click('[data-testid=admin-sign-in] button[type=submit]');
  await page.waitForSelector('#admin-token-error:has-text("is not the admin token")');
  await expectAccessible(page, 'the admin sign-in, with a field error');
  await page.fill('#admin-token', TOKEN);
  await page.click('[data-testid=admin-sign-in] button[type=submit]');
  await page.waitForSelector('[data-testid=admin-count]');
  await expectAccessible(page, 'the admin product list');

  // A new product with two variants; the second price is mistyped first.
  await page.click('[data-testid=new-product]');
  await page.waitForURL(/\/admin\/products\/new$/);
  await hydrated(page);
  const title = `E2E Walnut Stool ${stamp}`;
  await page.fill('#p-title', title);
  await page.fill('#p-brand', 'Holt');
  await page.selectOption('#p-status', 'active');
  const rows = page.locator('[data-testid=variant-row]');
  await rows.nth(0).locator('[data-testid=variant-sku]').fill(`E2E-${stamp}-S`);
  await rows.nth(0).locator('[data-testid=variant-options]').fill('Size=S');
  await rows.nth(0).locator('[data-testid=variant-price]').fill('19.99');
  await rows.nth(0).locator('[data-testid=variant-stock]').fill('3');
  await rows.nth(0).locator('[data-testid=variant-weight]').fill('1200');
  await page.click('[data-testid=add-variant-row]');
  await rows.nth(1).locator('[data-testid=variant-sku]').fill(`E2E-${stamp}-L`);
  await rows.nth(1).locator('[data-testid=variant-options]').fill('Size=L');
  await rows.nth(1).locator('[data-testid=variant-price]').fill('twenty');
  await page.click('[data-testid=create-product]');
  await rows.nth(1).locator('[data-testid=field-error]:has-text("not an amount")').waitFor();
  assert.match(page.url(), /\/admin\/products\/new$/, 'nothing was sent');
  await expectAccessible(page, 'the new product editor, with a field error');
  await rows.nth(1).locator('[data-testid=variant-price]').fill('24.50');
  await page.click('[data-testid=create-product]');
  await page.waitForURL(/\/admin\/products\/\d+$/);
  const productUrl = page.url();
  await page.waitForSelector(`[data-testid=editor-title]:has-text("${title}")`);
  assert.equal(await page.locator('[data-testid=variant-row]').count(), 2);
  await expectAccessible(page, 'the product editor');

  // Change the first variant's price; it is saved on its own.
  const firstVariant = page.locator('[data-testid=variant-row]').nth(0);
  assert.equal(await firstVariant.locator('[data-testid=variant-weight]').inputValue(), '1200', 'the weight was kept');
  await firstVariant.locator('[data-testid=variant-price]').fill('18.00');
  await firstVariant.locator('[data-testid=save-variant]').click();
  await firstVariant.locator('[role=status]:has-text("Saved.")').waitFor();

  // Upload an image; it shows once its renditions exist.
  await page.setInputFiles('#upload-files', { name: 'stool.png', mimeType: 'image/png', buffer: png(32, 24) });
  await page.fill('#upload-alt', 'The stool from the side');
  await page.click('[data-testid=upload]');
  await page.waitForSelector('[data-testid=admin-image][data-status=ready] img', { timeout: 30_000 });
  assert.equal(await page.getAttribute('[data-testid=admin-image] img', 'alt'), 'The stool from the side');

  // The shop shows it at the new price.
  const slugText = await page.textContent('text=/\\/p\\//');
  const slug = slugText.split('/p/')[1].trim();
  const shop = await browser.newPage();
  await shop.goto(`${BASE}/p/${slug}`);
  assert.match(await shop.textContent('[data-testid=product-title]'), /Walnut Stool/);
  assert.match(await shop.textContent('main'), /18\.00/);
  await shop.close();

  // Find it in the list and archive it in bulk.
  await page.goto(`${BASE}/admin?q=${encodeURIComponent(stamp)}`);
  await hydrated(page);
  await page.waitForSelector('[data-testid=admin-count]:has-text("1 products match")');
  await page.check('[data-testid=row-check]');
  await page.selectOption('[data-testid=bulk-action]', 'archive');
  await page.click('[data-testid=bulk-apply]');
  await page.waitForSelector('[data-testid=action-ok]:has-text("1 products changed")');
  await page.waitForSelector('[data-testid=row-status]:has-text("archived")');
  // Cached pages follow the change through the outbox within seconds.
  let shopStatus = 200;
  for (let i = 0; i < 50 && shopStatus !== 404; i++) {
    await new Promise((r) => setTimeout(r, 100));
    shopStatus = (await page.request.get(`${BASE}/p/${slug}`)).status();
  }
  assert.equal(shopStatus, 404, 'an archived product is off the shop');

  // A new category under the first top-level one.
  await page.goto(`${BASE}/admin/categories`);
  await hydrated(page);
  await page.fill('#new-cat-name', `E2E Gadgets ${stamp}`);
  await page.selectOption('#new-cat-parent', { index: 1 });
  await page.click('[data-testid=add-category]');
  await page.waitForSelector(`[data-testid=category-row][data-slug="e2e-gadgets-${stamp.toLowerCase()}"]`);
  await expectAccessible(page, 'the category tree');

  // Import: one good row, one bad; the bad one is named by its line.
  const exported = await page.request.get(`${BASE}/api/v1/products/export.csv`);
  assert.equal(exported.status(), 200, 'the export link works with the admin session');
  const [header, good] = (await exported.text()).split('\n');
  const columns = header.split(',');
  const bad = good.split(',');
  bad[columns.indexOf('price_minor')] = 'lots';
  await page.goto(`${BASE}/admin/import`);
  await hydrated(page);
  await page.setInputFiles('#import-file', {
    name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${good}\n${bad.join(',')}\n`),
  });
  await page.click('[data-testid=import]');
  await page.waitForSelector('[data-testid=import-report]');
  assert.match(await page.textContent('[data-testid=import-report] [role=status]'), /1 rows skipped/);
  assert.match(await page.textContent('[data-testid=import-error]'), /^3/);
  await expectAccessible(page, 'the import report');

  // A paid order's payment event is listed, and can be applied again safely.
  const inStock = (await (await page.request.get(`${BASE}/api/v1/products?limit=10`)).json()).items.find((p) => p.in_stock);
  const detail = await (await page.request.get(`${BASE}/api/v1/products/${inStock.id}`)).json();
  const buyable = detail.variants.find((v) => v.stock > 0);
  const cartAdd = await page.request.post(`${BASE}/_sf/cart/add`, {
    headers: { accept: 'application/json' }, form: { variant_id: String(buyable.id), quantity: '1' },
  });
  assert.equal(cartAdd.status(), 200);
  const cart = /bazaar_cart=([^;]+)/.exec(cartAdd.headers()['set-cookie'])[1];
  const placed = await page.request.post(`${BASE}/api/v1/orders`, {
    headers: { 'idempotency-key': `admin-e2e-${stamp}` },
    data: { cart_id: cart, email: 'ada@example.com',
      shipping_address: { name: 'Ada', line1: 'Main St 1', postal_code: '1000', city: 'Town', country: 'NL' } },
  });
  assert.equal(placed.status(), 201);
  const orderId = (await placed.json()).id;
  const paid = await page.request.post(`${BASE}/_sf/orders/pay-test`, { headers: { accept: 'application/json' }, form: { id: orderId } });
  assert.equal(paid.status(), 200);
  await page.goto(`${BASE}/admin/payments`);
  await hydrated(page);
  const row = page.locator('[data-testid=payment-event]', { hasText: 'succeeded' }).first();
  await row.locator('[data-testid=payment-event-outcome]:has-text("the order is paid")').waitFor();
  await row.locator('[data-testid=replay]').click();
  await page.waitForSelector('[data-testid=action-ok]:has-text("already succeeded; nothing to do")');
  await expectAccessible(page, 'the payment events');
  await page.goto(`${BASE}/admin/orders`);
  await hydrated(page);
  await page.waitForSelector('[data-testid=admin-order-row]');
  await expectAccessible(page, 'the admin order list');
  await page.goto(`${BASE}/admin/orders/${orderId}`);
  await hydrated(page);
  await page.waitForSelector('[data-testid=admin-risk]');
  await expectAccessible(page, 'an admin order page');

  // Gift cards: a mistyped amount is caught beside its field; the code is shown once.
  await page.goto(`${BASE}/admin/gift-cards`);
  await hydrated(page);
  await page.fill('#gc-amount', 'ten euros');
  await page.click('[data-testid=issue]');
  await page.waitForSelector('#gc-amount-error:has-text("an amount such as 25.00")');
  assert.equal(await page.inputValue('#gc-amount'), 'ten euros', 'what was typed stays');
  await page.fill('#gc-amount', '10.00');
  await page.click('[data-testid=issue]');
  const code = await (await page.waitForSelector('[data-testid=issued-code]')).textContent();
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await page.waitForSelector(`[data-testid=gift-card-row]:has-text("…${code.slice(-4)}")`);
  await expectAccessible(page, 'the gift card page');

  // Coupons: a mistyped percentage is caught beside it; made, listed, switched off.
  const couponCode = `E2E-${stamp}`;
  await page.goto(`${BASE}/admin/coupons`);
  await hydrated(page);
  await page.fill('#cp-code', couponCode);
  await page.fill('#cp-amount', 'a lot');
  await page.click('[data-testid=make-coupon]');
  await page.waitForSelector('#cp-amount-error:has-text("a percentage such as 15")');
  assert.equal(await page.inputValue('#cp-code'), couponCode, 'what was typed stays');
  await page.fill('#cp-amount', '15');
  await page.fill('#cp-max', '3');
  await page.click('[data-testid=make-coupon]');
  const couponRow = page.locator('[data-testid=coupon-row]', { hasText: couponCode });
  await couponRow.waitFor();
  assert.match(await couponRow.textContent(), /15% off/);
  assert.match(await couponRow.textContent(), /0 of 3/);
  await expectAccessible(page, 'the coupon page');
  await couponRow.locator('button:has-text("Switch off")').click();
  await page.waitForFunction(
    (code) => [...document.querySelectorAll('[data-testid=coupon-row]')]
      .some((r) => r.textContent.includes(code) && r.querySelector('[data-testid=coupon-status]').textContent === 'off'),
    couponCode,
  );

  // Shipping and tax: a mistyped price is caught beside it; a method is added and deleted; a rate is set.
  const methodCode = `e2e-${stamp.toLowerCase()}`;
  await page.goto(`${BASE}/admin/shipping`);
  await hydrated(page);
  await page.fill('#sm-code', methodCode);
  await page.fill('#sm-name', 'Pick up at the market');
  await page.fill('#sm-base', 'free');
  await page.fill('#sm-countries', 'NL');
  await page.click('[data-testid=make-method]');
  await page.waitForSelector('#sm-base-error:has-text("an amount such as 4.95")');
  assert.equal(await page.inputValue('#sm-name'), 'Pick up at the market', 'what was typed stays');
  await page.fill('#sm-base', '0');
  await page.click('[data-testid=make-method]');
  const methodRow = page.locator('[data-testid=method-row]', { hasText: methodCode });
  await methodRow.waitFor();
  assert.match(await methodRow.textContent(), /the shop.*Pick up at the market.*NL/);
  await expectAccessible(page, 'the shipping and tax page');
  await methodRow.locator('button:has-text("Delete")').click();
  await methodRow.waitFor({ state: 'detached' });
  await page.fill('#tr-country', 'LU');
  await page.fill('#tr-percent', '17');
  await page.fill('#tr-name', 'Luxembourg VAT');
  await page.click('[data-testid=set-rate]');
  await page.locator('[data-testid=rate-row]', { hasText: 'Luxembourg VAT' }).waitFor();

  // Reviews, customers (privacy requests) and staff.
  await page.goto(`${BASE}/admin/reviews?status=`);
  await hydrated(page);
  await page.waitForSelector('[data-testid=review-filter]');
  await expectAccessible(page, 'the review queue');
  await page.goto(`${BASE}/admin/customers?email=nobody-${Date.now()}@example.com`);
  await hydrated(page);
  await page.waitForSelector('[data-testid=no-customer]');
  await expectAccessible(page, 'the customer look-up');
  await page.goto(`${BASE}/admin/staff`);
  await hydrated(page);
  await page.waitForSelector('[data-testid=invite-form]');
  await page.fill('#invite-email', 'not an email');
  await page.fill('#invite-name', 'Sam Support');
  await page.selectOption('#invite-role', 'vendor');
  await page.evaluate(() => document.querySelector('#invite-email').setAttribute('type', 'text'));
  await page.click('[data-testid=invite]');
  await page.locator('#invite-email-error:has-text("not an email")').waitFor();
  await page.locator('#invite-vendor-error:has-text("choose the vendor")').waitFor();
  await expectAccessible(page, 'the staff page, with field errors');

  // Signing out closes the admin again.
  await page.click('[data-testid=sign-out]');
  await page.waitForSelector('[data-testid=admin-sign-in]');
  const after = await page.request.get(`${BASE}/admin`);
  assert.equal(after.status(), 401);
  assert.ok(productUrl);
  // The 400 (wrong token) and 401 (signed out) answers are expected; nothing else may fail.
  const unexpected = errors.filter((e) => !/status of (400|401|404)/.test(e));
  assert.deepEqual(unexpected, [], 'no errors in the browser console');
  await page.close();
});
