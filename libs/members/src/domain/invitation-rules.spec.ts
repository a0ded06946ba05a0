import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '@app/shared';
import { assertEmailDomainAllowed, assertSeatAvailable, effectiveStatus } from './invitation-rules.js';

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
});
