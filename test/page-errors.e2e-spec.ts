import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, MODULE_METADATA } from '@nestjs/common/constants.js';
import { PageErrorFilter } from '../apps/api/src/web/page-error.filter.js';
import { WebModule } from '../apps/api/src/web/web.module.js';
import { WebSession } from '../apps/api/src/web/web-session.js';
import { captureLogs, logs } from './support/logs.js';
import { assertPageHeaders } from './support/pages.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Every page reads the web session first; making that read fail stands in for any failure below a page.
describe('a page that fails for a reason no rule covers', () => {
  let t: TestApp;
  let web: WebSession;
  let current: WebSession['current'];
  let releaseLogs: () => void;
  before(async () => {
    releaseLogs = captureLogs();
    t = await startTestApp();
    web = t.get(WebSession);
    current = web.current;
  });
  afterEach(() => {
    web.current = current;
  });
  after(async () => {
    await t.close();
    releaseLogs();
  });

  const failWith = (error: unknown) => {
    web.current = () => Promise.reject(error);
  };
  const pages = ['/', '/sign-in', '/billing', '/account'];

  it('answers 503 with Retry-After and a page to retry when the database is unreachable or dropped the connection', async () => {
    const failures = [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' }),
      new Error('Client has encountered a connection error and is not queryable'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ];
    for (const failure of failures) {
      failWith(failure);
      for (const path of pages) {
        const res = await fetch(`${t.url}${path}`, { redirect: 'manual' });
        const body = await res.text();
        assert.equal(res.status, 503, `${path}: ${failure.message}`);
        assert.equal(res.headers.get('retry-after'), '5');
        assertPageHeaders(res);
        assert.match(body, /Briefly unavailable/);
        assert.doesNotMatch(body, /10\.0\.0\.7|ECONN|queryable|administrator|57P01/);
      }
    }
    // A warning, not an error: nothing is broken in the server.
    assert.ok(logs.some((line) => line.includes('"level":40') && line.includes('ECONNREFUSED')));
  });

  it('answers any other failure with a 500 page naming a reference, never a JSON body or the failure itself', async () => {
    failWith(new TypeError('Cannot read properties of undefined (reading "passwordHash") at /srv/app/web-session.js:88'));
    const references = new Set<string>();
    for (const path of pages) {
      const res = await fetch(`${t.url}${path}`, { redirect: 'manual' });
      const body = await res.text();
      assert.equal(res.status, 500, path);
      assert.equal(res.headers.get('retry-after'), null);
      assertPageHeaders(res);
      const reference = /reference <code>([0-9a-f-]{36})<\/code>/.exec(body)?.[1];
      assert.ok(reference, body);
      references.add(reference);
      // The operator finds the failure, with its cause, under the reference the person quotes.
      assert.ok(logs.some((line) => line.includes('"level":50') && line.includes(reference) && line.includes('passwordHash')), reference);
      assert.doesNotMatch(body, /passwordHash|\/srv|TypeError|statusCode/);
    }
    assert.equal(references.size, pages.length, 'each failure gets a reference of its own');
  });

  it('answers a refused request (4xx) with a page of its status, never a JSON body', async () => {
    const refusals: [Error, number, RegExp][] = [
      [new NotFoundException(), 404, /Not found/],
      [new BadRequestException({ statusCode: 400, message: 'email must be a string' }), 400, /Request not understood/],
      [new PayloadTooLargeException(), 413, /Request not understood/],
    ];
    for (const [refusal, status, heading] of refusals) {
      failWith(refusal);
      const res = await fetch(`${t.url}/sign-in`, { redirect: 'manual' });
      const body = await res.text();
      assert.equal(res.status, status);
      assertPageHeaders(res);
      assert.match(body, heading);
      assert.doesNotMatch(body, /statusCode|must be a string/);
    }
  });

  it('covers every page controller, so a new page answers the same way', () => {
    const controllers = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, WebModule) as Function[];
    assert.ok(controllers.length >= 10);
    for (const controller of controllers) {
      assert.ok((Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, controller) ?? []).includes(PageErrorFilter), controller.name);
    }
  });

  it('leaves the pages as they were once the failure is gone', async () => {
    const res = await fetch(`${t.url}/sign-in`);
    assert.equal(res.status, 200);
    assertPageHeaders(res);
  });
});
