import { DomainError } from '@app/shared';

export class EmailTakenError extends DomainError {
  constructor(email: string) {
    super('conflict', 'email_taken', `An account with the email ${email} already exists.`, { email }, 'Sign in with that account instead.');
  }
}

export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('unauthenticated', 'invalid_credentials', 'The email or password is incorrect.');
  }
}

export class UserNotFoundError extends DomainError {
  constructor(email: string) {
    super('not_found', 'user_not_found', `No account uses the email ${email}.`, { email }, 'Create the account first.');
  }
}

export class TooManySignInAttemptsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'limit_reached',
      'too_many_attempts',
      'Too many failed sign-in attempts.',
      { retryAfterSeconds },
      `Wait ${Math.ceil(retryAfterSeconds / 60)} minute(s) before trying again.`,
    );
  }
}

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'limit_reached',
      'rate_limited',
      'Too many requests of this kind.',
      { retryAfterSeconds },
      `Wait ${Math.ceil(retryAfterSeconds / 60)} minute(s) before trying again.`,
    );
  }
}
