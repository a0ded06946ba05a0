import { OAuthError } from '../../domain/oauth.errors.js';

/** The token endpoint's form parameters, each present at most once (the controller checks that). */
export type TokenParams = Record<string, string | undefined>;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  issued_token_type?: string;
}

/** One OAuth grant type: the token endpoint hands it the request when grant_type names it. */
export interface TokenGrant {
  readonly grantType: string;
  exchange(params: TokenParams): Promise<TokenResponse>;
}

export function required(params: TokenParams, name: string): string {
  const value = params[name];
  if (!value) throw new OAuthError('invalid_request', `${name} is required.`);
  return value;
}
