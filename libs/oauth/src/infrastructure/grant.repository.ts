import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '@app/shared';

export interface GrantRecord {
  id: string;
  clientId: string;
  userId: string;
  sessionId: string;
  orgId: string;
  scope: string;
  resource: string;
  createdAt: Date;
  revokedAt: Date | null;
}

@Injectable()
export class GrantRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    data: { clientId: string; userId: string; sessionId: string; orgId: string; scope: string; resource: string },
    db: TransactionClient | PrismaService = this.prisma,
  ): Promise<GrantRecord> {
    return db.grant.create({ data });
  }

  findById(id: string): Promise<GrantRecord | null> {
    return this.prisma.grant.findUnique({ where: { id } });
  }
}
