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

// The real fetcher with its address policy opened to loopback (the only place a test can serve from).
class LoopbackFetcher extends GuardedClientMetadataFetcher {
  constructor(ca: string) {
    super();
    this.isAllowed = () => true;
    this.timeoutMs = 300;
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
    await assert.rejects(fetcher.fetch(`${base}/slow.json`), /did not arrive within 300 ms/);
    await assert.rejects(fetcher.fetch(`${base.replace('https', 'http')}/ok.json`), MetadataFetchError);
  });

  it('with the real address policy, never connects to the loopback server', async () => {
    let connections = 0;
    server.on('connection', () => connections++);
    await assert.rejects(new GuardedClientMetadataFetcher().fetch(`${base}/ok.json`), /non-public address/);
    assert.equal(connections, 0);
  });
});
