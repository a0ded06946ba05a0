import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './app-config.js';

const base = { SECRETS_KEY: 'ab'.repeat(32), DATA_DIR: '/nonexistent-never-written' };

describe('configuration: MCP_REQUESTS_PER_MINUTE', () => {
  it('defaults to 600 and accepts whole numbers from 1 to 1000000', () => {
    assert.equal(loadConfig(base).mcpRequestsPerMinute, 600);
    assert.equal(loadConfig({ ...base, MCP_REQUESTS_PER_MINUTE: '' }).mcpRequestsPerMinute, 600);
    for (const value of ['1', '600', '1000000']) assert.equal(loadConfig({ ...base, MCP_REQUESTS_PER_MINUTE: value }).mcpRequestsPerMinute, Number(value));
  });

  it('stops the start naming the variable for anything else', () => {
    for (const value of ['0', '-1', '1.5', '1e3', 'abc', ' 5', '5 ', '0x10', '1000001', '99999999999', 'Infinity', 'NaN']) {
      assert.throws(
        () => loadConfig({ ...base, MCP_REQUESTS_PER_MINUTE: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'MCP_REQUESTS_PER_MINUTE',
        JSON.stringify(value),
      );
    }
  });
});

describe('mail and sign-up configuration', () => {
  it('defaults to no SMTP, a From on the public host, and invite-only sign-up', () => {
    const local = loadConfig(base);
    assert.equal(local.smtpUrl, undefined);
    assert.equal(local.mailFrom, 'OpenWork Cloud <no-reply@localhost.localdomain>');
    assert.equal(local.signUp, 'invite-only');
    assert.equal(loadConfig({ ...base, PUBLIC_URL: 'https://mcp.example.com' }).mailFrom, 'OpenWork Cloud <no-reply@mcp.example.com>');
  });

  it('accepts smtp:// and smtps:// URLs, plain and named From addresses, open sign-up', () => {
    const config = loadConfig({ ...base, SMTP_URL: 'smtps://user:p%40ss@mail.example.com:465', MAIL_FROM: 'Acme Cloud <cloud@acme.example>', SIGN_UP: 'open' });
    assert.equal(config.smtpUrl, 'smtps://user:p%40ss@mail.example.com:465');
    assert.equal(config.mailFrom, 'Acme Cloud <cloud@acme.example>');
    assert.equal(config.signUp, 'open');
    assert.equal(loadConfig({ ...base, SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'ops@acme.example' }).mailFrom, 'ops@acme.example');
  });

  it('refuses bad values, naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
      [{ SMTP_URL: 'mail.example.com:587' }, 'SMTP_URL'],
      [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM'],
      [{ MAIL_FROM: 'a@example.com\r\nBcc: victim@example.com' }, 'MAIL_FROM'],
      [{ MAIL_FROM: 'Name <a@example.com>\nX: y' }, 'MAIL_FROM'],
      [{ MAIL_FROM: 'Name <a@example.com' }, 'MAIL_FROM'],
      [{ SIGN_UP: 'yes' }, 'SIGN_UP'],
      [{ SIGN_UP: 'Open' }, 'SIGN_UP'],
    ];
    for (const [env, variable] of cases) {
      assert.throws(
        () => loadConfig({ ...base, ...env }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable,
        JSON.stringify(env),
      );
    }
  });
});
