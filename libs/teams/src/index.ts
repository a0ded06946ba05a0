export { TeamsModule } from './teams.module.js';
export { TeamsService, type TeamView } from './application/teams.service.js';
