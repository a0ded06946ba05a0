import { Module } from '@nestjs/common';
import { MembersModule } from '@app/members';
import { TeamsService } from './application/teams.service.js';
import { TeamRiskyChanges } from './application/risky-changes.js';
import { TeamRepository } from './infrastructure/team.repository.js';
import { TeamsTools } from './mcp/teams.tools.js';

const useCases = [TeamsService, TeamRiskyChanges];
const repositories = [TeamRepository];
const tools = [TeamsTools];

@Module({
  imports: [MembersModule],
  controllers: tools,
  providers: [...useCases, ...repositories],
  exports: [TeamsService],
})
export class TeamsModule {}
