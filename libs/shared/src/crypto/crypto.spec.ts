import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AppConfig } from '../config/app-config.js';
import { hashPassword, verifyPassword } from './password-hasher.js';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox({ secretsKey: randomBytes(32) } as AppConfig);

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('sk-live-123456', 'provider:1');
    assert.ok(!sealed.includes('sk-live'));
    assert.equal(box.open(sealed, 'provider:1'), 'sk-live-123456');
  });

  it('refuses a tampered ciphertext, a different context or another key', () => {
    const sealed = box.seal('secret', 'a');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3]!, 'base64url').toString('latin1')).toString('base64url');
    assert.throws(() => box.open(parts.join('.'), 'a'));
    assert.throws(() => box.open(sealed, 'b'));
    const other = new SecretBox({ secretsKey: randomBytes(32) } as AppConfig);
    assert.throws(() => other.open(sealed, 'a'));
  });
});

describe('password hashing', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterz', a), false);
    assert.equal(await verifyPassword('x', 'garbage'), false);
  });
});
