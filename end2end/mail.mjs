// Reading what the test SMTP server (aiosmtpd, started by ./dev.sh test)
// kept in its maildir (BAZAAR_MAILDIR).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MAILDIR = process.env.BAZAAR_MAILDIR;

// Undoes quoted-printable (what SMTP mail with long lines arrives as).
const unquote = (text) =>
  text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));

// The message the SMTP server kept for `to`, waiting up to 20 s.
export async function mailTo(to) {
  for (let i = 0; i < 200; i++) {
    for (const name of await readdir(join(MAILDIR, 'new')).catch(() => [])) {
      const text = await readFile(join(MAILDIR, 'new', name), 'utf8');
      if (text.includes(`X-RcptTo: ${to}`)) return unquote(text);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no email to ${to}`);
}
