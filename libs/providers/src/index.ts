export { ProvidersModule } from './providers.module.js';
export type { ProviderKind } from './domain/llm-provider.js';
export { providerPermissions } from './providers.permissions.js';
