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
