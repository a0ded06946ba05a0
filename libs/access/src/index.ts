export {
  ALL_PERMISSIONS,
  BUILT_IN_ROLES,
  isBuiltInRole,
  isPermission,
  PERMISSIONS,
  type BuiltInRole,
  type Permission,
} from './domain/permissions.js';
