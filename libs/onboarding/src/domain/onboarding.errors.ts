import { DomainError } from '@app/shared';

/** Setup is for the very first owner only: a missing, wrong or used token, or any existing account, ends it. */
export class SetupUnavailableError extends DomainError {
  constructor() {
    super('not_found', 'not_found', 'There is nothing to set up here.');
  }
}

export class SignUpClosedError extends DomainError {
  constructor() {
    super('not_found', 'not_found', 'Sign-up is by invitation only on this server.');
  }
}
