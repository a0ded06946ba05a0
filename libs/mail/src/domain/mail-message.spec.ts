import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeMail } from './compose-mail.js';
import { DELIVERY_GIVE_UP_MS, isPermanentRefusal, retryDelayMs } from './mail-message.js';

describe('delivery schedule', () => {
  it('retries after 2 s, doubling, never more than 30 minutes apart, and keeps trying for 24 hours', () => {
    assert.deepEqual([1, 2, 3, 4].map(retryDelayMs), [2_000, 4_000, 8_000, 16_000]);
    assert.equal(retryDelayMs(30), 30 * 60 * 1000);
    assert.equal(retryDelayMs(10_000), 30 * 60 * 1000);
    assert.ok(DELIVERY_GIVE_UP_MS >= 24 * 60 * 60 * 1000);
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < DELIVERY_GIVE_UP_MS) elapsed += retryDelayMs(++attempts);
    assert.ok(attempts > 40, `${attempts} attempts in 24 h`);
  });

  it('gives up at once only on 5xx replies', () => {
    assert.equal(isPermanentRefusal(550), true);
    assert.equal(isPermanentRefusal(554), true);
    for (const temporary of [421, 450, 451, 452, undefined]) assert.equal(isPermanentRefusal(temporary), false, String(temporary));
  });
});

describe('composeMail', () => {
  it('escapes every value in the HTML part, keeps the text part plain, and states the expiry', () => {
    const mail = composeMail({
      kind: 'test',
      to: 'a@example.com',
      subject: 'Hi\r\nBcc: victim@example.com',
      paragraphs: ['Org <img src=x onerror=alert(1)> & "co"'],
      action: { label: 'Open <now>', url: 'https://example.com/x?a=1&b="2"', expiresAt: new Date('2026-12-01T10:30:00Z') },
    });
    assert.equal(mail.subject, 'Hi Bcc: victim@example.com');
    assert.ok(!mail.html.includes('<img'));
    assert.ok(mail.html.includes('Org &#60;img src&#61;x onerror&#61;alert(1)&#62; &#38; &#34;co&#34;'));
    assert.ok(mail.html.includes('href="https://example.com/x?a&#61;1&#38;b&#61;&#34;2&#34;"'));
    assert.ok(mail.text.includes('Org <img src=x onerror=alert(1)> & "co"'));
    assert.ok(mail.text.includes('expires 2026-12-01 10:30 UTC'));
    assert.deepEqual(mail.link, { url: 'https://example.com/x?a=1&b="2"', expiresAt: new Date('2026-12-01T10:30:00Z') });
  });
});
