import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArgumentsHost } from '@nestjs/common';
import { OAuthError } from '../domain/oauth.errors.js';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';

/** What the filter wrote: status, headers and the JSON body. */
function answer(exception: unknown) {
  const written = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const res = {
    setHeader: (name: string, value: string) => void (written.headers[name.toLowerCase()] = value),
    status(code: number) {
      written.status = code;
      return this;
    },
    json: (body: unknown) => void (written.body = body),
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new OAuthExceptionFilter().catch(exception, host);
  return written;
}

describe('OAuthExceptionFilter', () => {
  it('answers 503 temporarily_unavailable with Retry-After when the database is unreachable or dropped the connection', () => {
    const failures = [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' }),
      new Error('Client has encountered a connection error and is not queryable'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' }),
      Object.assign(new Error('Invalid `prisma.oAuthClient.findUnique()` invocation'), {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57P03' } } },
      }),
    ];
    for (const failure of failures) {
      const { status, headers, body } = answer(failure);
      assert.equal(status, 503, failure.message);
      assert.equal(headers['retry-after'], '5');
      assert.equal(headers['cache-control'], 'no-store');
      assert.equal((body as { error: string }).error, 'temporarily_unavailable');
      assert.doesNotMatch(JSON.stringify(body), /10\.0\.0\.7|prisma|ECONN|57P/);
    }
  });

  it('keeps OAuth errors as they are and any other failure a 500 server_error without its internals', () => {
    const refused = answer(new OAuthError('invalid_grant', 'The code was already used.'));
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { error: 'invalid_grant', error_description: 'The code was already used.' });
    assert.equal(refused.headers['retry-after'], undefined);

    const defect = answer(new TypeError('Cannot read properties of undefined (reading "secretHash") at /srv/app.js'));
    assert.equal(defect.status, 500);
    assert.equal((defect.body as { error: string }).error, 'server_error');
    assert.equal(defect.headers['retry-after'], undefined);
    assert.doesNotMatch(JSON.stringify(defect.body), /secretHash|\/srv/);
  });
});
