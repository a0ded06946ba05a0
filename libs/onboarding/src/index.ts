export { OnboardingModule } from './onboarding.module.js';
export { FirstRunService, type OwnerForm } from './application/first-run.service.js';
export { SignUpService } from './application/sign-up.service.js';
export { SetupUnavailableError, SignUpClosedError } from './domain/onboarding.errors.js';
