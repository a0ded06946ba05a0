import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { formWithButton, type Browser } from './oauth-flow.js';

/** A fresh client address for each test, so per-IP limits of one test never touch another. */
export function clientIp(): string {
  return `10.${randomBytes(3).join('.')}`;
}

/**
 * Opens the page, finds the form with `button`, fills each field found by its visible label and
 * presses the button: what a person does.
 */
export async function submitForm(
  browser: Browser,
  path: string,
  button: string,
  values: Record<string, string>,
  options: { ip?: string; dropCsrf?: boolean } = {},
): Promise<Response> {
  const headers: Record<string, string> = options.ip ? { 'x-forwarded-for': options.ip } : {};
  const page = await browser.get(path, headers);
  assert.equal(page.status, 200, `${path}: ${page.status}`);
  const form = formWithButton(await page.text(), button);
  const fields: Record<string, string> = { ...form.hidden };
  if (options.dropCsrf) delete fields.csrf;
  for (const [label, value] of Object.entries(values)) {
    const input = form.inputs.find((i) => i.label === label);
    assert.ok(input, `no input labelled "${label}" on ${path}`);
    fields[input.name] = value;
  }
  return browser.post(form.action, fields, headers);
}

export function assertPageHeaders(res: Response): void {
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(res.headers.get('cache-control'), 'no-store');
}
