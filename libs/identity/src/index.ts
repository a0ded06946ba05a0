export { IdentityModule } from './identity.module.js';
export { AccountsService, type Account } from './application/accounts.service.js';
export { SessionsService, SESSION_LIFETIME_MS, type ActiveSession } from './application/sessions.service.js';
export { emailDomain, normalizeEmail } from './domain/account-rules.js';
export { EmailTakenError, InvalidCredentialsError, UserNotFoundError } from './domain/identity.errors.js';
