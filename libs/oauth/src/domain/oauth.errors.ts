import { DomainError, type ErrorCategory } from '@app/shared';

/** RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 8707 and RFC 7009 error codes. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'slow_down';

const categories: Record<OAuthErrorCode, ErrorCategory> = {
  invalid_request: 'invalid_input',
  invalid_client: 'unauthenticated',
  invalid_grant: 'invalid_input',
  unauthorized_client: 'permission_denied',
  unsupported_grant_type: 'invalid_input',
  unsupported_response_type: 'invalid_input',
  unsupported_token_type: 'invalid_input',
  invalid_scope: 'invalid_input',
  invalid_target: 'invalid_input',
  access_denied: 'permission_denied',
  invalid_redirect_uri: 'invalid_input',
  invalid_client_metadata: 'invalid_input',
  server_error: 'unavailable',
  temporarily_unavailable: 'unavailable',
  slow_down: 'limit_reached',
};

// The HTTP status each code is answered with at the token, registration and revocation endpoints.
const statuses: Partial<Record<OAuthErrorCode, number>> = { invalid_client: 401, server_error: 500, temporarily_unavailable: 503, slow_down: 429 };

/** A refusal the OAuth edges answer as `{ error, error_description }`. */
export class OAuthError extends DomainError {
  constructor(
    readonly error: OAuthErrorCode,
    description: string,
  ) {
    super(categories[error], error, description);
    this.name = 'OAuthError';
  }

  get status(): number {
    return statuses[this.error] ?? 400;
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

/** Too many requests from one address or for one client: answered 429 with Retry-After. */
export class OAuthRateLimitedError extends OAuthError {
  readonly retryAfterSeconds: number;

  constructor(resetInMs: number) {
    const seconds = Math.max(1, Math.ceil(resetInMs / 1000));
    super('slow_down', `Too many requests; retry in ${seconds} s.`);
    this.retryAfterSeconds = seconds;
  }
}
