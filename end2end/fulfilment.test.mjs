// Fulfilment, in Debian's Chromium through Playwright: a guest's paid order
// of two vendors -> an admin ships part of one vendor's units from the
// fulfilment page (a bad tracking number is caught beside its field) -> the
// customer's order page shows the parcel and its tracking link -> the
// customer asks to send the unit back (a missing reason is caught) -> staff
// receive it, restocked and refunded -> the customer sees the refund.
// Run by `./dev.sh test` against a freshly seeded store (BAZAAR_URL) whose
// admin token is BAZAAR_ADMIN_TOKEN and which takes the test provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { expectAccessible } from './axe.mjs';

const BASE = process.env.BAZAAR_URL ?? 'http://127.0.0.1:3000';
const TOKEN = process.env.BAZAAR_ADMIN_TOKEN;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let browser;
before(async () => { browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }); });
after(async () => { await browser?.close(); });

const hydrated = (page) => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });

function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}

// Places a paid order (through the API and the test provider) of two units
// from one vendor and one from another; answers the order's id.
async function paidOrder(request) {
  const vendors = await (await request.get(`${BASE}/api/v1/vendors`)).json();
  const cart = randomUUID();
  let quantity = 2;
  for (const v of vendors.slice(0, 2)) {
    const list = await (await request.get(`${BASE}/api/v1/products?vendor=${v.slug}&limit=20`)).json();
    const card = list.items.find((p) => p.in_stock && p.price_from.currency === 'EUR');
    const product = await (await request.get(`${BASE}/api/v1/products/${card.id}`)).json();
    const variant = product.variants.find((x) => x.stock >= quantity);
    const added = await request.post(`${BASE}/_sf/cart/add`, {
      headers: { accept: 'application/json', cookie: `bazaar_cart=${cart}` },
      form: { variant_id: String(variant.id), quantity: String(quantity) },
    });
    assert.equal(added.status(), 200, await added.text());
    quantity = 1;
  }
  const placed = await request.post(`${BASE}/api/v1/orders`, {
    headers: { 'idempotency-key': randomUUID() },
    data: { cart_id: cart, email: 'parcel@example.com',
      shipping_address: { name: 'Ada', line1: 'Main St 1', postal_code: '1000', city: 'Town', country: 'NL' } },
  });
  assert.equal(placed.status(), 201, await placed.text());
  const order = await placed.json();
  const paid = await request.post(`${BASE}/_sf/orders/pay-test`, { headers: { accept: 'application/json' }, form: { id: order.id } });
  assert.equal(paid.status(), 200, await paid.text());
  return order.id;
}

test('an admin ships part of an order, the customer follows it and sends a unit back, and gets a refund', { skip: !TOKEN && 'BAZAAR_ADMIN_TOKEN is set by ./dev.sh test' }, async () => {
  const admin = await browser.newPage();
  const errors = collectErrors(admin);
  const orderId = await paidOrder(admin.request);

  await admin.goto(`${BASE}/admin`);
  await hydrated(admin);
  await admin.fill('#admin-token', TOKEN);
  await admin.click('[data-testid=admin-sign-in] button[type=submit]');
  await admin.waitForSelector('[data-testid=admin-count]');
  await admin.goto(`${BASE}/admin/orders/${orderId}`);
  await hydrated(admin);
  assert.equal(await admin.locator('[data-testid=fulfil-part]').count(), 2, 'one part per vendor');
  await admin.click('[data-testid=fulfil-part] >> nth=0');
  await admin.waitForURL(/\/admin\/fulfilment\/[0-9a-f-]{36}\?vendor=/);
  await hydrated(admin);
  await admin.waitForSelector('[data-testid=ship-form]');
  await expectAccessible(admin, 'a part to fulfil');

  // One of the two units, with a mistyped tracking number first.
  await admin.fill('#ship-carrier', 'DHL');
  await admin.fill('#ship-number', 'JD<1>');
  await admin.fill('[data-testid=ship-quantity] >> nth=0', '1');
  await admin.click('[data-testid=ship]');
  await admin.waitForSelector('#ship-number-error:has-text("letters, digits")');
  assert.equal(await admin.inputValue('#ship-carrier'), 'DHL', 'what was typed stays');
  await admin.fill('#ship-number', 'JD0146 0001');
  await admin.click('[data-testid=ship]');
  await admin.waitForSelector('[data-testid=parcel]:has-text("JD0146 0001")');
  await admin.waitForSelector('[data-testid=ship-quantity]');
  assert.match(await admin.textContent('[data-testid=part]'), /fulfilling/);
  await expectAccessible(admin, 'a part with a parcel');

  // The customer's order page: the parcel and its tracking link.
  const shopper = await browser.newPage();
  const shopperErrors = collectErrors(shopper);
  await shopper.goto(`${BASE}/orders/${orderId}`);
  await hydrated(shopper);
  assert.equal(await shopper.textContent('[data-testid=order-status]'), 'Being packed');
  const link = shopper.locator('[data-testid=tracking-link]');
  assert.equal(await link.textContent(), 'JD0146 0001');
  assert.match(await link.getAttribute('href'), /^https:\/\/www\.dhl\.com\/.*JD01460001$/);

  // Sending the shipped unit back: a reason is needed.
  await shopper.click('[data-testid=return-forms] summary');
  await shopper.click('[data-testid=ask-return]');
  await shopper.waitForSelector('[data-testid=return-reason-error]:has-text("3 to 1000 characters")');
  await expectAccessible(shopper, 'the order page, with a return form error');
  await shopper.fill('[data-testid=return-form] input[name=reason]', 'It does not fit');
  await shopper.click('[data-testid=ask-return]');
  await shopper.waitForSelector('[data-testid=return-asked]');
  await shopper.waitForSelector('[data-testid=my-return]:has-text("asked for")');

  // Staff receive it, back on sale and refunded.
  await admin.reload();
  await hydrated(admin);
  await admin.click('[data-testid=receive-return]');
  await admin.waitForSelector('[data-testid=action-ok]:has-text("The return is received")');
  await admin.waitForSelector('[data-testid=return]:has-text("refunded")');

  await shopper.reload();
  await hydrated(shopper);
  await shopper.waitForSelector('[data-testid=my-return]:has-text("refunded")');
  assert.equal(await shopper.textContent('[data-testid=order-status]'), 'Partly refunded');

  // The 401 of the admin's sign-in page and the 400s answering the bad
  // tracking number and the missing reason are expected.
  const unexpected = [...errors, ...shopperErrors].filter((e) => !/status of (400|401)/.test(e));
  assert.deepEqual(unexpected, [], 'no errors in the browser console');
  await admin.close();
  await shopper.close();
});
