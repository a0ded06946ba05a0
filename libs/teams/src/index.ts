export { TeamsModule } from './teams.module.js';
export type { TeamView } from './application/teams.service.js';
