export { TeamsModule } from './teams.module.js';
export { TeamsService, type TeamView } from './application/teams.service.js';
export { teamPermissions } from './teams.permissions.js';
