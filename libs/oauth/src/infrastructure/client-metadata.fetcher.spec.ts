import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GuardedClientMetadataFetcher, METADATA_MAX_BYTES, MetadataFetchError } from './client-metadata.fetcher.js';

function selfSignedCertificate(): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'cimd-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSignedCertificate();

// The real fetcher with its address policy opened to loopback (the only place a test can serve from). Its
// deadline is generous so a busy machine's TLS handshake never fails a test that expects an answer; the
// slow-server case gets a short one of its own.
class LoopbackFetcher extends GuardedClientMetadataFetcher {
  constructor(ca: string, timeoutMs = 10_000) {
    super();
    this.isAllowed = () => true;
    this.timeoutMs = timeoutMs;
    this.trustedCa = ca;
  }
}

describe('GuardedClientMetadataFetcher limits', { skip: !tls && 'openssl is not available to make a test certificate' }, () => {
  let server: Server;
  let base: string;
  let fetcher: LoopbackFetcher;
  before(async () => {
    server = createServer({ key: tls!.key, cert: tls!.cert }, (req, res) => {
      switch (req.url) {
        case '/ok.json':
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=120' }).end('{"client_id":"x"}');
          break;
        case '/big.json':
          res.writeHead(200, { 'content-type': 'application/json' }).end(`{"pad":"${'x'.repeat(METADATA_MAX_BYTES)}"}`);
          break;
        case '/redirect.json':
          res.writeHead(302, { location: '/ok.json' }).end();
          break;
        case '/page.json':
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
          break;
        case '/slow.json':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"client_id":');
          break; // never finishes
        default:
          res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fetcher = new LoopbackFetcher(tls!.cert);
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('returns a small JSON document and its max-age', async () => {
    assert.deepEqual(await fetcher.fetch(`${base}/ok.json`), { body: { client_id: 'x' }, maxAgeSeconds: 120 });
  });

  it('refuses oversized documents, redirects, non-JSON, slow servers and plain http', async () => {
    await assert.rejects(fetcher.fetch(`${base}/big.json`), /larger than 5120 bytes/);
    await assert.rejects(fetcher.fetch(`${base}/redirect.json`), /redirects are not followed/);
    await assert.rejects(fetcher.fetch(`${base}/page.json`), /not JSON/);
    await assert.rejects(new LoopbackFetcher(tls!.cert, 300).fetch(`${base}/slow.json`), /did not arrive within 300 ms/);
    await assert.rejects(fetcher.fetch(`${base.replace('https', 'http')}/ok.json`), MetadataFetchError);
  });

  it('with the real address policy, never connects to the loopback server, however its address is spelled', async () => {
    let connections = 0;
    server.on('connection', () => connections++);
    const port = new URL(base).port;
    const hosts = [
      '127.0.0.1',
      '127.1',
      '0177.0.0.1',
      '0x7f.0.0.1',
      '0x7f000001',
      '2130706433',
      '127.000.000.001',
      '[::1]',
      '[0:0:0:0:0:0:0:1]',
      '[::ffff:127.0.0.1]',
      '[::FFFF:7F00:1]',
      '[::127.0.0.1]',
      '[64:ff9b::127.0.0.1]',
      '[64:ff9b:1::7f00:1]',
      '[2002:7f00:1::1]',
      '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
      '[fe80::1]',
    ];
    for (const host of hosts) {
      await assert.rejects(new GuardedClientMetadataFetcher().fetch(`https://${host}:${port}/ok.json`), /non-public address/, host);
    }
    assert.equal(connections, 0);
  });

  it('never tells the client a network or TLS error code', async () => {
    // Trusts no test CA, so the handshake fails on the self-signed certificate.
    class UntrustingFetcher extends LoopbackFetcher {
      constructor() {
        super(tls!.cert);
        this.trustedCa = undefined;
      }
    }
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failures = [
      await new UntrustingFetcher().fetch(`${base}/ok.json`).catch((e: Error) => e),
      await fetcher.fetch(`https://127.0.0.1:${closedPort}/ok.json`).catch((e: Error) => e),
      await fetcher.fetch(`https://localhost.invalid:${closedPort}/ok.json`).catch((e: Error) => e),
    ];
    for (const failure of failures) {
      assert.ok(failure instanceof MetadataFetchError, String(failure));
      assert.doesNotMatch(failure.message, /E[A-Z]{3,}|ERR_|CERT|SELF_SIGNED|UNABLE_TO|DEPTH_ZERO|ECONN|ENOTFOUND|EAI_|TLS|SSL/, failure.message);
    }
  });
});
