export { MarketplacesModule } from './marketplaces.module.js';
export type { AccessRole, ResourceType, SubjectType } from './domain/access.js';
export { marketplacePermissions } from './marketplaces.permissions.js';
