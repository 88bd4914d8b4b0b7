// A shopper makes an account, in Debian's Chromium through Playwright:
// register -> open the verification link from the email the SMTP server
// (aiosmtpd, started by ./dev.sh test) received -> sign in (by keyboard
// alone) -> edit the profile -> add an address, with a bad field caught
// beside it -> save a product to the wishlist and move it to the cart ->
// review it (a too-short text caught beside the field), see the review wait
// for moderation, an admin publish it and the product page show it -> see
// the empty order history -> download the data -> sign out. Every page it
// visits is checked with axe-core against WCAG 2.1 A and AA: no violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { expectAccessible } from './axe.mjs';
import { MAILDIR, mailTo } from './mail.mjs';

const BASE = process.env.BAZAAR_URL ?? 'http://127.0.0.1:3000';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let browser;
before(async () => { browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }); });
after(async () => { await browser?.close(); });

const hydrated = (page) => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });

test('register, confirm the email from the SMTP server, sign in and keep an address book', { skip: !MAILDIR && 'BAZAAR_MAILDIR is not set (./dev.sh test sets it)' }, async () => {
  const page = await browser.newPage();
  const email = `ada-${Date.now()}@example.com`;
  const password = 'a long enough passphrase';

  await page.goto(`${BASE}/account/register`);
  await hydrated(page);
  await page.fill('#name', 'Ada Lovelace');
  await page.fill('#email', email);
  await page.fill('#password', 'short');
  await page.click('button:has-text("Make my account")');
  const passwordError = page.locator('#password-error');
  await passwordError.waitFor({ state: 'visible' });
  assert.match(await passwordError.textContent(), /at least 12/, 'the field says what is wrong');
  assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true', 'and is marked invalid');
  assert.equal(await page.inputValue('#email'), email, 'what was typed stays');
  await expectAccessible(page, 'registration, with a field error');
  await page.fill('#password', password);
  await page.click('button:has-text("Make my account")');
  await page.waitForSelector('[data-testid=register-done]');

  const mail = await mailTo(email);
  const link = mail.match(/http\S+\/account\/verify\?token=[0-9a-f]{64}/)?.[0];
  assert.ok(link, `the email holds the link:\n${mail}`);
  await page.goto(link.replace(/^https?:\/\/[^/]+/, BASE));
  await page.waitForSelector('[data-testid=link-ok]');
  await expectAccessible(page, 'the verification page');

  // Sign in by keyboard alone.
  await page.goto(`${BASE}/account/sign-in`);
  await hydrated(page);
  await expectAccessible(page, 'sign-in');
  await page.focus('#email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/account$/);
  await page.waitForSelector('[data-testid=profile-email]');
  assert.equal(await page.textContent('[data-testid=profile-email]'), email);
  await page.waitForSelector('[data-testid=account-link]');
  await expectAccessible(page, 'the profile');

  await hydrated(page);
  await page.fill('#name', 'Ada King');
  await page.click('[data-testid=profile-form] button[type=submit]');
  await page.waitForSelector('[data-testid=profile-form] [data-testid=form-ok]');
  await page.reload();
  assert.equal(await page.inputValue('#name'), 'Ada King', 'the new name is kept');

  await page.click('a:has-text("Addresses")');
  await page.waitForURL(/\/account\/addresses$/);
  await hydrated(page);
  await page.waitForSelector('[data-testid=no-addresses]');
  await page.fill('#name-new', 'Ada King');
  await page.fill('#line1-new', 'Keizersgracht 1');
  await page.fill('#postal_code-new', '1015 CJ');
  await page.fill('#city-new', 'Amsterdam');
  await page.fill('#country-new', 'Netherlands');
  await page.click('section [data-testid=address-form] button[type=submit]');
  const countryError = page.locator('#country-new-error');
  await countryError.waitFor({ state: 'visible' });
  assert.match(await countryError.textContent(), /two-letter/);
  await expectAccessible(page, 'the address book, with a field error');
  await page.fill('#country-new', 'nl');
  await page.click('section [data-testid=address-form] button[type=submit]');
  await page.waitForSelector('[data-testid=address]');
  assert.match(await page.textContent('[data-testid=address]'), /Keizersgracht 1[\s\S]*NL[\s\S]*Default shipping/);

  // Save a product from its page, then move it from the wishlist to the cart.
  const list = await (await page.request.get(`${BASE}/api/v1/products?limit=20`)).json();
  const card = list.items.find((p) => p.in_stock);
  await page.goto(`${BASE}/p/${card.slug}`);
  await hydrated(page);
  await page.click('main [data-testid=save-to-wishlist] >> nth=0');
  await page.waitForSelector('main [data-testid=save-to-wishlist]:has-text("Saved")');
  await page.click('[data-testid=wishlist-link]');
  await page.waitForURL(/\/wishlist$/);
  await hydrated(page);
  await page.waitForSelector('[data-testid=wishlist-item]');
  assert.ok((await page.textContent('[data-testid=wishlist-item]')).includes(card.title), 'the saved product is listed');
  await expectAccessible(page, 'the wishlist');
  const badge = Number(await page.textContent('[data-testid=cart-count]'));
  await page.click('[data-testid=move-to-cart]');
  await page.waitForSelector('[data-testid=wishlist-empty]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=cart-count]')?.textContent) === n + 1, badge);

  // Review the product: the form on its page, by the rules.
  await page.goto(`${BASE}/p/${card.slug}`);
  await hydrated(page);
  await page.waitForSelector('[data-testid=review-form]');
  await page.check('#rating-4');
  await page.fill('#review-title', 'Does the job');
  await page.fill('#review-body', 'meh');
  await page.click('[data-testid=review-form] button[type=submit]');
  const bodyError = page.locator('#review-body-error');
  await bodyError.waitFor({ state: 'visible' });
  assert.match(await bodyError.textContent(), /at least 10/);
  assert.equal(await page.getAttribute('#review-body', 'aria-invalid'), 'true');
  await expectAccessible(page, 'the product page with its review form, with a field error');
  await page.fill('#review-body', 'Solid, well made, and it arrived quickly.');
  await page.click('[data-testid=review-form] button[type=submit]');
  await page.waitForSelector('[data-testid=review-saved]');
  await page.goto(`${BASE}/account/reviews`);
  await page.waitForSelector('[data-testid=my-review-state]');
  assert.match(await page.textContent('[data-testid=my-review-state]'), /Awaiting moderation/);
  await expectAccessible(page, 'my reviews');
  if (process.env.BAZAAR_ADMIN_TOKEN) {
    const auth = { Authorization: `Bearer ${process.env.BAZAAR_ADMIN_TOKEN}` };
    const queue = await (await page.request.get(`${BASE}/api/v1/reviews?status=pending`, { headers: auth })).json();
    const mine = queue.find((r) => r.body.startsWith('Solid, well made'));
    assert.ok(mine, 'the review is in the moderation queue');
    const published = await page.request.post(`${BASE}/api/v1/reviews/${mine.id}/moderation`, { headers: auth, data: { status: 'published' } });
    assert.equal(published.status(), 200);
    await page.goto(`${BASE}/p/${card.slug}`);
    await hydrated(page);
    await page.waitForSelector('[data-testid=review]:has-text("Solid, well made")');
    assert.match(await page.textContent('[data-testid=rating-count]'), /review/);
    await expectAccessible(page, 'the product page with a published review');
  }

  await page.goto(`${BASE}/account`);
  await hydrated(page);
  await page.click('a:has-text("Orders")');
  await page.waitForURL(/\/account\/orders$/);
  await page.waitForSelector('[data-testid=no-orders]');
  await expectAccessible(page, 'the order history');

  await page.click('a:has-text("Privacy")');
  await page.waitForURL(/\/account\/privacy$/);
  await page.waitForSelector('[data-testid=download-data]');
  await expectAccessible(page, 'the privacy page');
  const data = await (await page.request.get(`${BASE}/api/v1/me/data`)).json();
  assert.equal(data.account.email, email, 'the download holds the account');
  assert.equal(data.addresses[0].city, 'Amsterdam');

  await page.click('[data-testid=sign-out]');
  await page.waitForURL(`${BASE}/`);
  await page.waitForSelector('[data-testid=sign-in-link]');
  await expectAccessible(page, 'the home page');
  await page.goto(`${BASE}/account`);
  await page.waitForSelector('[data-testid=please-sign-in]');
  await expectAccessible(page, 'the dashboard when signed out');
  await page.close();
});
