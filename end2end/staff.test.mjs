// A staff member joins and protects the account with two-factor sign-in, in
// Debian's Chromium through Playwright: the admin (signed in with the admin
// token) invites them from /admin/staff -> they open the invitation from the
// SMTP server's maildir and choose a password -> sign in -> set up
// two-factor sign-in on /account with a code computed here from the key
// shown -> sign out -> sign in again with the password and then a code ->
// the admin area. Every page is checked with axe-core (WCAG 2.1 A and AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';
import { expectAccessible } from './axe.mjs';
import { MAILDIR, mailTo } from './mail.mjs';

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

// RFC 6238 (SHA-1, six digits, 30 s) from a base32 key, as an authenticator app does.
function totp(base32, unixSeconds) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

test('totp follows RFC 6238', () => {
  // Appendix B: the ASCII seed "12345678901234567890", base32.
  assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59), '287082');
});

test('an invited staff member sets a password and signs in with two factors', { skip: (!MAILDIR || !TOKEN) && 'BAZAAR_MAILDIR and BAZAAR_ADMIN_TOKEN are set by ./dev.sh test' }, async () => {
  const admin = await browser.newPage();
  await admin.goto(`${BASE}/admin/staff`);
  await hydrated(admin);
  await admin.fill('#admin-token', TOKEN);
  await admin.click('[data-testid=admin-sign-in] button[type=submit]');
  await admin.waitForSelector('[data-testid=invite-form]');
  const email = `sam-${Date.now()}@example.com`;
  await admin.fill('#invite-email', email);
  await admin.fill('#invite-name', 'Sam Support');
  await admin.selectOption('#invite-role', 'support');
  await admin.click('[data-testid=invite]');
  await admin.waitForSelector('[data-testid=action-ok]:has-text("Invited")');
  await admin.waitForSelector(`[data-testid=staff-row]:has-text("${email}")`);
  await expectAccessible(admin, 'the staff page after an invitation');
  await admin.close();

  const page = await browser.newPage();
  const mail = await mailTo(email);
  const link = mail.match(/http\S+\/account\/reset\?token=[0-9a-f]{64}/)?.[0];
  assert.ok(link, `the invitation holds the link:\n${mail}`);
  const password = 'sam chooses a passphrase';
  await page.goto(link.replace(/^https?:\/\/[^/]+/, BASE));
  await hydrated(page);
  await page.fill('#password', password);
  await page.click('button:has-text("Set the password")');
  await page.waitForSelector('[data-testid=form-ok]');

  const signIn = async () => {
    await page.goto(`${BASE}/account/sign-in`);
    await hydrated(page);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('[data-testid=sign-in-form] button[type=submit]');
  };
  await signIn();
  await page.waitForURL(/\/admin$/);

  await page.goto(`${BASE}/account`);
  await hydrated(page);
  await page.click('[data-testid=two-factor-begin]');
  const key = (await (await page.waitForSelector('[data-testid=two-factor-key]')).textContent()).replace(/\s/g, '');
  await expectAccessible(page, 'the two-factor set-up');
  await page.fill('#setup-code', '000000');
  await page.click('[data-testid=two-factor-confirm] button[type=submit]');
  await page.waitForSelector('#setup-code-error:has-text("not the current code")');
  const now = Date.now() / 1000;
  await page.fill('#setup-code', totp(key, now));
  await page.click('[data-testid=two-factor-confirm] button[type=submit]');
  await page.waitForSelector('[data-testid=two-factor-on]');
  await expectAccessible(page, 'the profile with two-factor sign-in on');

  await page.click('[data-testid=sign-out]');
  await page.waitForURL(`${BASE}/`);
  await signIn();
  await page.waitForURL(/\/account\/sign-in\/code/);
  await hydrated(page);
  await expectAccessible(page, 'the sign-in code page');
  // The set-up's code is used up; the app's next one signs in.
  await page.fill('#code', totp(key, now + 30));
  await page.click('[data-testid=code-form] button[type=submit]');
  await page.waitForURL(/\/admin$/);
  await page.close();
});
