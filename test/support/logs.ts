import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

// pino writes to fd 1 through sonic-boom (fs.write/fs.writeSync). The server's JSON log lines are
// kept here instead of cluttering the test report; anything else passes through.
const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
/** The server's JSON log lines captured so far. */
export const logs: string[] = [];

export function captureLogs(): () => void {
  const { write, writeSync } = fs;
  const swallow = (fd: unknown, data: unknown): boolean => {
    if (fd !== 1 && fd !== 2) return false;
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
    if (!text.includes('"service":"openwork-cloud-mcp"')) return false;
    logs.push(text);
    return true;
  };
  (fs as { writeSync: unknown }).writeSync = (fd: number, data: string | Buffer, ...rest: unknown[]) =>
    swallow(fd, data) ? Buffer.byteLength(data) : (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  (fs as { write: unknown }).write = (fd: number, data: string | Buffer, ...rest: unknown[]) => {
    if (!swallow(fd, data)) return (write as (...a: unknown[]) => void)(fd, data, ...rest);
    const callback = rest.at(-1);
    if (typeof callback === 'function') process.nextTick(callback, null, Buffer.byteLength(data));
  };
  return () => {
    Object.assign(fs, { write, writeSync });
  };
}

/** Nothing a caller or an operator can read (responses, audit log, server logs) holds a secret or part of one. */
export function assertNoSecretLeaked(everything: string, secrets: string[]) {
  const logText = logs.join('');
  assert.ok(logText.length > 0, 'server logs were captured');
  assert.match(logText, /"level":20|"level":30/, 'debug/info logs were captured');
  for (const secret of secrets) {
    assert.ok(!everything.includes(secret), 'a tool response or audit event contains a secret');
    assert.ok(!logText.includes(secret), 'a log line contains a secret');
    for (const fragment of [secret.slice(0, -4), secret.slice(4, -2)]) {
      assert.ok(!everything.includes(fragment) && !logText.includes(fragment), 'part of a secret leaked');
    }
  }
}
