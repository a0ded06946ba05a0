import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addMember, createOrg, createUser } from './support/fixtures.js';
import { callTool, connectWithToken, toolError } from './support/mcp.js';
import { Browser, signIn } from './support/oauth-flow.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

describe('the billing page seat_limit_reached points to', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('shows each of the signed-in user\'s organizations with plan and seats used, behind sign-in', async () => {
    const owner = await createUser(t);
    const orgName = unique('Billing Org ');
    const org = await createOrg(t, owner, { name: orgName, seats: 2, plan: 'team' });
    await addMember(t, org.slug, await createUser(t), 'member');

    const client = await connectWithToken(t.url, (await mintAccess(t, owner, org.id)).token);
    const refused = await callTool(client, 'invite_member', { email: `${unique('x')}@example.com`, role: 'member' });
    await client.close();
    assert.equal(refused.isError, true);
    const error = toolError(refused.result);
    assert.equal(error.code, 'seat_limit_reached');
    assert.equal(error.details.billingUrl, `${t.url}/billing`);

    const browser = new Browser(t.url);
    const anonymous = await browser.get('/billing');
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get('location'), '/sign-in?return_to=%2Fbilling');

    const signedIn = await signIn(browser, anonymous.headers.get('location')!, owner.email);
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/billing');
    const res = await browser.get('/billing');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    const text = (await res.text()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`<td>${orgName}</td><td>team</td><td>2 of 2</td><td>owner</td>`));
    assert.match(text, /Every active member and every pending \(unexpired\) invitation uses a seat/);
  });
});
