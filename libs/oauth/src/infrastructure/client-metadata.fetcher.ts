import { lookup as dnsLookup } from 'node:dns/promises';
import { request } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { isPublicAddress } from '../domain/address-policy.js';

export const METADATA_MAX_BYTES = 5 * 1024;
export const METADATA_TIMEOUT_MS = 5_000;

export class MetadataFetchError extends Error {}

export interface FetchedMetadata {
  body: unknown;
  /** From Cache-Control max-age, when the server sent one. */
  maxAgeSeconds: number | null;
}

type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

/**
 * Fetches a Client ID Metadata Document. This is the seam tests replace; the default implementation
 * below is the only code that makes the server open a connection chosen by someone on the internet.
 */
export abstract class ClientMetadataFetcher {
  abstract fetch(url: string): Promise<FetchedMetadata>;
}

/**
 * SSRF-guarded: the host is resolved first and every address must be public unicast; the connection is
 * then pinned to that checked address (no second lookup a rebinding DNS server could answer
 * differently). No redirects, 5 s overall, 5 KiB at most, JSON only.
 */
@Injectable()
export class GuardedClientMetadataFetcher extends ClientMetadataFetcher {
  protected resolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });
  // Seams for tests, which cannot reach a public address: the policy, the deadline and a trusted CA.
  protected isAllowed: (address: string) => boolean = isPublicAddress;
  protected timeoutMs = METADATA_TIMEOUT_MS;
  protected trustedCa: string | undefined;

  async fetch(raw: string): Promise<FetchedMetadata> {
    const url = new URL(raw);
    if (url.protocol !== 'https:') throw new MetadataFetchError('only https is fetched');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await this.resolveWithin(host);
    if (addresses.length === 0) throw new MetadataFetchError(`${host} does not resolve`);
    const refused = addresses.find((a) => !this.isAllowed(a.address));
    if (refused) throw new MetadataFetchError(`${host} resolves to a non-public address, which is never fetched`);
    return this.get(url, addresses[0]!);
  }

  private async resolveWithin(host: string) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MetadataFetchError(`resolving ${host} timed out`)), this.timeoutMs);
    });
    try {
      return await Promise.race([this.resolve(host), timeout]);
    } catch (error) {
      if (error instanceof MetadataFetchError) throw error;
      throw new MetadataFetchError(`${host} does not resolve`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  private get(url: URL, target: { address: string; family: number }): Promise<FetchedMetadata> {
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
      else callback(null, target.address, target.family);
    };
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        req.destroy();
        reject(new MetadataFetchError(message));
      };
      const deadline = setTimeout(() => fail(`the metadata document did not arrive within ${this.timeoutMs} ms`), this.timeoutMs);
      const req = request(url, { method: 'GET', headers: { accept: 'application/json' }, lookup: pinned, agent: false, ...(this.trustedCa && { ca: this.trustedCa }) }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          clearTimeout(deadline);
          return fail(`the metadata document answered HTTP ${res.statusCode}${res.statusCode && res.statusCode >= 300 && res.statusCode < 400 ? ' (redirects are not followed)' : ''}`);
        }
        if (!/^application\/([a-z.+-]*\+)?json\b/i.test(res.headers['content-type'] ?? '')) {
          clearTimeout(deadline);
          return fail('the metadata document is not JSON');
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > METADATA_MAX_BYTES) {
            clearTimeout(deadline);
            fail(`the metadata document is larger than ${METADATA_MAX_BYTES} bytes`);
          } else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          try {
            const maxAge = /max-age=(\d+)/.exec(res.headers['cache-control'] ?? '');
            resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), maxAgeSeconds: maxAge ? Number(maxAge[1]) : null });
          } catch {
            reject(new MetadataFetchError('the metadata document is not valid JSON'));
          }
        });
      });
      req.on('error', (error) => {
        clearTimeout(deadline);
        // Network and TLS error codes would tell a prober what listens where; they stay in `cause` for logs.
        reject(new MetadataFetchError('the metadata document could not be fetched over a trusted https connection', { cause: error }));
      });
      req.end();
    });
  }
}
