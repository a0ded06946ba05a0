import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import type { Principal } from '@app/shared';
import { TeamsService } from './teams.service.js';

/** Deleting a team ends its memberships and the access its grants gave. */
@Injectable()
export class TeamRiskyChanges {
  constructor(private readonly teams: TeamsService) {}

  async deleteTeam(principal: Principal, input: { team: string }): Promise<RiskyChange> {
    const team = await this.teams.findTeam(principal.orgId, input.team);
    return {
      summary: `Delete the team "${team.name}" from ${principal.organization.name}: its ${team._count.members} member(s) leave it and lose the access granted to the team.`,
      resolved: { teamId: team.id },
    };
  }
}
