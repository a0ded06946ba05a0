import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '@app/shared';
import { assertEmailDomainAllowed, assertSeatAvailable, effectiveStatus, nextResentAt, RESEND_LIMIT, RESEND_WINDOW_MS } from './invitation-rules.js';

function errorOf(run: () => void): DomainError | null {
  try {
    run();
    return null;
  } catch (error) {
    return error as DomainError;
  }
}

describe('invitation rules', () => {
  it('allows any domain when the list is empty, and only listed domains otherwise', () => {
    assert.equal(errorOf(() => assertEmailDomainAllowed('omar@example.com', [])), null);
    assert.equal(errorOf(() => assertEmailDomainAllowed('omar@example.com', ['example.com'])), null);
    const error = errorOf(() => assertEmailDomainAllowed('omar@example.com', ['acme.test']))!;
    assert.equal(error.code, 'email_domain_not_allowed');
    assert.deepEqual(error.details, { domain: 'example.com', allowedDomains: ['acme.test'] });
    // A subdomain is a different domain.
    assert.equal(errorOf(() => assertEmailDomainAllowed('a@eu.acme.test', ['acme.test']))?.code, 'email_domain_not_allowed');
  });

  it('refuses when seats used reach the limit, with the facts and the billing rule', () => {
    assert.equal(errorOf(() => assertSeatAvailable({ plan: 'team', seatLimit: 3 }, 2, 'https://x/billing')), null);
    const error = errorOf(() => assertSeatAvailable({ plan: 'team', seatLimit: 3 }, 3, 'https://x/billing'))!;
    assert.equal(error.code, 'seat_limit_reached');
    assert.equal(error.category, 'limit_reached');
    assert.deepEqual(
      { plan: error.details.plan, seatLimit: error.details.seatLimit, seatsUsed: error.details.seatsUsed, billingUrl: error.details.billingUrl },
      { plan: 'team', seatLimit: 3, seatsUsed: 3, billingUrl: 'https://x/billing' },
    );
    assert.match(String(error.details.billingRule), /pending/);
  });

  it('treats a pending invitation past its expiry as expired', () => {
    const now = new Date('2026-01-10T00:00:00Z');
    assert.equal(effectiveStatus({ status: 'pending', expiresAt: new Date('2026-01-11T00:00:00Z') }, now), 'pending');
    assert.equal(effectiveStatus({ status: 'pending', expiresAt: now }, now), 'expired');
    assert.equal(effectiveStatus({ status: 'revoked', expiresAt: new Date('2026-01-11T00:00:00Z') }, now), 'revoked');
  });

  it('allows three resends in any hour and says when the next one works', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    assert.equal(RESEND_LIMIT, 3);
    assert.deepEqual(nextResentAt('i1', [], now), [now]);
    // Resends older than the window are forgotten, so the list never grows past the limit.
    assert.deepEqual(nextResentAt('i1', [ago(61), ago(90), ago(30), ago(10)], now), [ago(30), ago(10), now]);
    const refused = errorOf(() => nextResentAt('i1', [ago(10), ago(50), ago(30)], now))!;
    assert.equal(refused.code, 'rate_limited');
    assert.equal(refused.category, 'limit_reached');
    // The oldest of the three leaves the window first.
    assert.equal(refused.details.retryAt, new Date(ago(50).getTime() + RESEND_WINDOW_MS).toISOString());
    assert.equal(refused.details.invitationId, 'i1');
    assert.equal(refused.details.limit, 3);
    // Exactly one window after a resend, it no longer counts.
    assert.equal(errorOf(() => nextResentAt('i1', [ago(60), ago(30), ago(10)], now)), null);
  });
});
