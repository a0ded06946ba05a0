import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { MemberDirectory, type MemberView } from '@app/members';
import { alreadyExistsOnClash, AlreadyExistsError, AuditLog, decodeCursor, displayName, NotFoundError, REFERENCE, ReferenceResolver, toPage, TransactionRunner, type Db, type Page, type Principal } from '@app/shared';
import { normalizeTeamDescription } from '../domain/team-rules.js';
import { MemberPendingInvitationError } from '../domain/teams.errors.js';
import { TeamRepository, type TeamRecord } from '../infrastructure/team.repository.js';
import { teamPermissions as can } from '../teams.permissions.js';

export interface TeamView {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  createdAt: string;
}

function teamView(team: TeamRecord): TeamView {
  return { id: team.id, name: team.name, description: team.description, memberCount: team._count.members, createdAt: team.createdAt.toISOString() };
}

@Injectable()
export class TeamsService {
  constructor(
    private readonly teams: TeamRepository,
    private readonly directory: MemberDirectory,
    private readonly references: ReferenceResolver,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
  ) {}

  async list(principal: Principal, input: { cursor?: string; limit?: number; query?: string; member?: string }): Promise<Page<TeamView>> {
    assertPermission(principal, can.list_teams);
    const page = decodeCursor(input);
    let membershipId: string | undefined;
    if (input.member) membershipId = (await this.directory.findMember(principal.orgId, input.member)).id;
    return toPage(await this.teams.list(principal.orgId, page, { query: input.query, membershipId }), page, teamView);
  }

  async create(principal: Principal, input: { name: string; description?: string }): Promise<TeamView> {
    assertPermission(principal, can.create_team);
    const orgId = principal.orgId;
    const name = displayName(input.name);
    // Names that differ only in case count as the same team, a rule the exact unique index cannot hold alone.
    return alreadyExistsOnClash(
      () => this.transactions.run(async (tx) => {
        const existing = await this.teams.findByName(orgId, name, tx);
        if (existing) throw new AlreadyExistsError('team', existing.name, existing.id);
        const team = await this.teams.create(tx, { orgId, name, description: normalizeTeamDescription(input.description) ?? '' });
        await this.audit.record(principal, { action: 'team.created', targetType: 'team', targetId: team.id, details: { name } }, tx);
        return teamView(team);
      }),
      this.clash(orgId, name),
    );
  }

  async update(principal: Principal, input: { team: string; name?: string; description?: string }): Promise<TeamView> {
    assertPermission(principal, can.update_team);
    const orgId = principal.orgId;
    const name = input.name === undefined ? undefined : displayName(input.name);
    return alreadyExistsOnClash(
      () => this.transactions.run(async (tx) => {
        const team = await this.team(orgId, input.team, tx);
        if (name !== undefined) {
          const other = await this.teams.findByName(orgId, name, tx);
          if (other && other.id !== team.id) throw new AlreadyExistsError('team', other.name, other.id);
        }
        const updated = await this.teams.update(tx, team.id, { name, description: normalizeTeamDescription(input.description) });
        await this.audit.record(
          principal,
          { action: 'team.updated', targetType: 'team', targetId: team.id, details: { before: { name: team.name, description: team.description }, after: { name: updated.name, description: updated.description } } },
          tx,
        );
        return teamView(updated);
      }),
      name === undefined ? null : this.clash(orgId, name),
    );
  }

  async delete(principal: Principal, input: { team: string }): Promise<{ deleted: true; id: string; name: string; membersRemoved: number }> {
    assertPermission(principal, can.delete_team);
    return this.transactions.run(async (tx) => {
      const team = await this.team(principal.orgId, input.team, tx);
      await this.teams.delete(tx, team.id);
      await this.audit.record(principal, { action: 'team.deleted', targetType: 'team', targetId: team.id, details: { name: team.name, members: team._count.members } }, tx);
      return { deleted: true as const, id: team.id, name: team.name, membersRemoved: team._count.members };
    });
  }

  async addMember(principal: Principal, input: { team: string; member: string }): Promise<{ team: TeamView; member: MemberView; added: boolean }> {
    assertPermission(principal, can.add_team_member);
    const orgId = principal.orgId;
    const team = await this.team(orgId, input.team);
    const member = await this.activeMember(principal, input.member, team);
    const added = await this.transactions.run(async (tx) => {
      const changed = await this.teams.addMember(tx, orgId, team.id, member.id);
      if (changed) {
        await this.audit.record(principal, { action: 'team.member_added', targetType: 'team', targetId: team.id, details: { membershipId: member.id, email: member.email } }, tx);
      }
      return changed;
    });
    const current = await this.teams.findById(orgId, team.id);
    return { team: teamView(current ?? team), member, added };
  }

  async removeMember(principal: Principal, input: { team: string; member: string }): Promise<{ team: TeamView; member: MemberView; removed: boolean }> {
    assertPermission(principal, can.remove_team_member);
    const orgId = principal.orgId;
    const team = await this.team(orgId, input.team);
    const member = await this.directory.findMember(orgId, input.member);
    const removed = await this.transactions.run(async (tx) => {
      const changed = await this.teams.removeMember(tx, orgId, team.id, member.id);
      if (changed) {
        await this.audit.record(principal, { action: 'team.member_removed', targetType: 'team', targetId: team.id, details: { membershipId: member.id, email: member.email } }, tx);
      }
      return changed;
    });
    const current = await this.teams.findById(orgId, team.id);
    return { team: teamView(current ?? team), member, removed };
  }

  private clash(orgId: string, name: string) {
    return { resource: 'team', name, find: () => this.teams.findByName(orgId, name) };
  }

  /** A team by name (ignoring case) or id, for describing a change before it is made. */
  findTeam(orgId: string, reference: string): Promise<TeamRecord> {
    return this.team(orgId, reference);
  }

  /** A team by name (ignoring case) or id, inside the org. */
  private async team(orgId: string, reference: string, db?: Db): Promise<TeamRecord> {
    const { id } = await this.references.resolve(orgId, REFERENCE.team, reference, {}, db);
    const team = await this.teams.findById(orgId, id, db);
    if (!team) throw new NotFoundError('team', reference);
    return team;
  }

  /** Someone who can join a team now; an invitee gets the call that makes them join on acceptance. */
  private async activeMember(principal: Principal, reference: string, team: TeamRecord): Promise<MemberView> {
    const entry = await this.directory.find(principal.orgId, reference);
    if (entry.kind === 'member') return entry.member;
    throw new MemberPendingInvitationError(
      {
        email: entry.invitation.email,
        invitationId: entry.invitation.id,
        teamId: team.id,
        teamName: team.name,
        expiresAt: entry.invitation.expiresAt.toISOString(),
        invitationTeamIds: entry.invitation.teamIds,
      },
      { canInvite: principal.permissions.has('members:invite') },
    );
  }
}
