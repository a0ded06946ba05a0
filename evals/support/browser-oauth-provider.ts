import { randomBytes } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { InMemoryOAuthClient } from '../../test/support/in-memory-oauth-client.js';
import { signInAndAllow, type Person, type Screenshots } from './chromium.js';
import type { LoopbackCallback } from './loopback-callback.js';

/**
 * The MCP SDK's OAuthClientProvider as a desktop MCP client implements it: client information and tokens
 * kept in memory, the authorization URL opened in a real browser (headless Chromium, where a person
 * signs in and allows), the code taken from the redirect to a loopback listener after checking `state`
 * and `iss`.
 */
export class BrowserOAuthProvider extends InMemoryOAuthClient {
  private expectedState = '';
  private pending: Promise<string> | undefined;

  constructor(
    private readonly browser: BrowserContext,
    private readonly callback: LoopbackCallback,
    private readonly person: Person,
    private readonly issuer: string,
    clientName: string,
    private readonly shots: Screenshots = {},
  ) {
    super(clientName, callback.redirectUrl);
  }

  get redirectUrl(): string {
    return this.callback.redirectUrl;
  }

  state(): string {
    this.expectedState = randomBytes(16).toString('base64url');
    return this.expectedState;
  }

  // The SDK throws UnauthorizedError right after this returns; the browser work continues in `pending`.
  async redirectToAuthorization(url: URL): Promise<void> {
    const redirect = this.callback.next();
    this.pending = (async () => {
      const page = await this.browser.newPage();
      try {
        await signInAndAllow(page, url.href, this.person, this.callback.redirectUrl, this.shots);
      } finally {
        await page.close();
      }
      const result = await redirect;
      if (result.error) throw new Error(`authorization refused: ${result.error}`);
      if (result.state !== this.expectedState) throw new Error('state mismatch on the redirect');
      // RFC 9207: the code must come from the authorization server we started with.
      if (result.iss !== this.issuer) throw new Error(`iss ${result.iss} is not ${this.issuer}`);
      if (!result.code) throw new Error('no code on the redirect');
      return result.code;
    })();
    this.pending.catch(() => undefined);
  }

  /** The code of the authorization the SDK started, once the person has allowed it. */
  async authorizationCode(): Promise<string> {
    if (!this.pending) throw new Error('the SDK never asked for authorization');
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}
