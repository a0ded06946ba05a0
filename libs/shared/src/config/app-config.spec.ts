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
