export { IdentityModule } from './identity.module.js';
export { AccountsService, type Account } from './application/accounts.service.js';
export { SessionsService, SESSION_COOKIE, SESSION_LIFETIME_MS, type ActiveSession } from './application/sessions.service.js';
export { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, SIGN_IN_WINDOW_MS, SignInService, type SignInInput } from './application/sign-in.service.js';
export { emailDomain, normalizeEmail } from './domain/account-rules.js';
export { EmailTakenError, InvalidCredentialsError, TooManySignInAttemptsError, UserNotFoundError } from './domain/identity.errors.js';
