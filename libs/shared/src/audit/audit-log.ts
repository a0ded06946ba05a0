import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../prisma/prisma.service.js';
import type { Principal } from '../principal.js';

/**
 * Who an audit event names: a principal, someone acting outside MCP (an invitee on the web page), or the
 * server itself (no user, no membership; `clientId` says which part of it).
 */
export type AuditActor = Pick<Principal, 'orgId' | 'clientId'> & { userId: string | null; membershipId: string | null } & Pick<Partial<Principal>, 'approval'>;

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
  /** Overrides the actor's evidence: `declined` and `expired` record a risky change that did not happen. */
  approval?: 'declined' | 'expired';
}

// Written in the same transaction as the change it describes, so the log never misses a mutation.
@Injectable()
export class AuditLog {
  constructor(private readonly prisma: PrismaService) {}

  async record(actor: AuditActor, entry: AuditEntry, db: TransactionClient | PrismaService = this.prisma): Promise<void> {
    await db.auditEvent.create({
      data: {
        orgId: actor.orgId,
        actorUserId: actor.userId,
        actorMembershipId: actor.membershipId,
        clientId: actor.clientId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        details: (actor.approval ? { ...entry.details, approval: actor.approval } : (entry.details ?? {})) as object,
        approval: entry.approval ?? actor.approval?.method ?? null,
      },
    });
  }
}
