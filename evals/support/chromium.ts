import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's chromium: playwright-core cannot download a browser here, and CI installs this package.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found: install it with apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Person {
  email: string;
  password: string;
  /** The organization to pick on the consent page, by its visible label. */
  orgName: string;
}

export interface Screenshots {
  signIn?: string;
  chooser?: string;
}

/**
 * What a person does after their MCP client opens the browser: sign in with Email and Password (unless
 * the browser is already signed in), choose the organization by its name, press Allow. Resolves once
 * the browser has been sent on to `redirectPrefix` (the client's loopback listener).
 */
export async function signInAndAllow(page: Page, authorizationUrl: string, person: Person, redirectPrefix: string, shots: Screenshots = {}): Promise<void> {
  await page.goto(authorizationUrl);
  if (new URL(page.url()).pathname === '/sign-in') {
    await page.getByLabel('Email', { exact: true }).fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(person.password);
    if (shots.signIn) await page.screenshot({ path: shots.signIn, fullPage: true });
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
  await page.getByRole('button', { name: 'Allow', exact: true }).waitFor();
  await page.getByRole('radio', { name: person.orgName, exact: true }).check();
  if (shots.chooser) await page.screenshot({ path: shots.chooser, fullPage: true });
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(redirectPrefix)),
    page.getByRole('button', { name: 'Allow', exact: true }).click(),
  ]);
}

/**
 * What a person does with a confirmation_required link: open it (signing in on the way if needed), read
 * the change, press Approve or Reject. Resolves with the summary the page showed.
 */
export async function decideApproval(page: Page, approvalUrl: string, person: Pick<Person, 'email' | 'password'>, decision: 'Approve' | 'Reject'): Promise<string> {
  await page.goto(approvalUrl);
  if (new URL(page.url()).pathname === '/sign-in') {
    await page.getByLabel('Email', { exact: true }).fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(person.password);
    await Promise.all([page.waitForURL((url) => url.pathname === new URL(approvalUrl).pathname), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  }
  const summary = (await page.locator('blockquote').innerText()).trim();
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: decision, exact: true }).click()]);
  await page.getByRole('heading', { name: decision === 'Approve' ? 'Approved' : 'Rejected', exact: true }).waitFor();
  return summary;
}
