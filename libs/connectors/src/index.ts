export { ConnectorsModule } from './connectors.module.js';
export { connectorPermissions } from './connectors.permissions.js';
