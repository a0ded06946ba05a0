import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { FirstRunService } from '@app/onboarding';
import { PrismaService } from '@app/shared';
import { CHROMIUM_PATH, launchChromium } from '../evals/support/chromium.js';
import { ROOT, startTestApp, type TestApp } from './support/test-app.js';

// SCREENSHOTS_DIR=docs/screenshots refreshes the README's pictures; by default they stay in .test-data.
const screenshots = process.env.SCREENSHOTS_DIR ?? join(ROOT, '.test-data', 'screenshots');

describe('first run in a real browser', { skip: !existsSync(CHROMIUM_PATH) && `${CHROMIUM_PATH} not installed` }, () => {
  let t: TestApp;
  let chromium: Browser;
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    t = await startTestApp({ ownDatabase: true });
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await t?.close();
  });

  it('fills in the setup page by its labels, presses Create owner and lands signed in on the front page', async () => {
    const link = (await t.get(FirstRunService).openSetup())!;
    const context = await chromium.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(link);
    await page.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
    await page.getByLabel('Email', { exact: true }).fill('ada@example.com');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByLabel('Organization name', { exact: true }).fill('Analytical Engines');
    await page.screenshot({ path: join(screenshots, 'setup.png'), fullPage: true });
    await Promise.all([page.waitForURL(`${t.url}/`), page.getByRole('button', { name: 'Create owner', exact: true }).click()]);
    await page.getByText('Signed in as').waitFor();
    assert.ok((await page.locator('pre').first().textContent())?.includes(`${t.url}/mcp`));
    await page.screenshot({ path: join(screenshots, 'front-page.png'), fullPage: true });
    assert.deepEqual(blocked, [], 'the pages need nothing the CSP blocks');
    assert.equal(await t.get(PrismaService).user.count({ where: { email: 'ada@example.com', emailVerifiedAt: { not: null } } }), 1);
    await context.close();
  });
});
