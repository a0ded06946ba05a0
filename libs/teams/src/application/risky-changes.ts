import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import { NotFoundError, type Principal } from '@app/shared';
import { TeamRepository } from '../infrastructure/team.repository.js';

/** Deleting a team ends its memberships and the access its grants gave. */
@Injectable()
export class TeamRiskyChanges {
  constructor(private readonly teams: TeamRepository) {}

  async deleteTeam(principal: Principal, input: { team: string }): Promise<RiskyChange> {
    const team = await this.teams.findByReference(principal.orgId, input.team);
    if (!team) throw new NotFoundError('team', input.team, 'Call list_teams to find the team.');
    return {
      summary: `Delete the team "${team.name}" from ${principal.organization.name}: its ${team._count.members} member(s) leave it and lose the access granted to the team.`,
      resolved: { teamId: team.id },
    };
  }
}
