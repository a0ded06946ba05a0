import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createRootLogger, PinoLoggerService } from './pino-logger.js';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('root logger', () => {
  it('writes one JSON object per line when not on a terminal', () => {
    const out = capture();
    new PinoLoggerService(createRootLogger('info', { pretty: false, stream: out.stream })).warn('Redis does not answer', 'RateLimiter');
    const line = JSON.parse(out.text().trim());
    assert.equal(line.msg, 'Redis does not answer');
    assert.equal(line.context, 'RateLimiter');
    assert.equal(line.level, 40);
  });

  it('writes readable lines (time, level, [context] message) on a terminal', () => {
    const out = capture();
    const logger = new PinoLoggerService(createRootLogger('info', { pretty: true, stream: out.stream }));
    logger.log('listening on http://localhost:3000', 'Server');
    logger.debug('hidden below the level', 'Server');
    const text = out.text();
    assert.match(text, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Server\] listening on http:\/\/localhost:3000\n$/);
    assert.throws(() => JSON.parse(text));
  });

  it('still redacts credentials in readable lines', () => {
    const out = capture();
    createRootLogger('info', { pretty: true, stream: out.stream }).info({ req: { headers: { authorization: 'Bearer secret-value' } } }, 'request');
    assert.doesNotMatch(out.text(), /secret-value/);
  });
});
