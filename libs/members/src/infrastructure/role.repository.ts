import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient, type Db } from '@app/shared';

export interface RoleRecord {
  id: string;
  orgId: string;
  key: string;
  name: string;
  description: string;
  permissions: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A unique index refused the write: someone created the same name concurrently. */

@Injectable()
export class RoleRepository {
  constructor(private readonly prisma: PrismaService) {}

  listCustom(orgId: string, db: Db = this.prisma): Promise<RoleRecord[]> {
    return db.role.findMany({ where: { orgId }, orderBy: { name: 'asc' } });
  }

  findById(orgId: string, id: string, db: Db = this.prisma): Promise<RoleRecord | null> {
    return db.role.findFirst({ where: { orgId, id } });
  }

  /** A custom role by id or key, inside the org. */
  findByReference(orgId: string, reference: string, db: Db = this.prisma): Promise<RoleRecord | null> {
    return db.role.findFirst({ where: { orgId, OR: [{ id: reference }, { key: reference }] } });
  }

  findByNameOrKey(orgId: string, name: string, key: string, db: Db = this.prisma): Promise<RoleRecord | null> {
    return db.role.findFirst({ where: { orgId, OR: [{ name: { equals: name, mode: 'insensitive' } }, { key }] } });
  }

  findByName(orgId: string, name: string, db: Db = this.prisma): Promise<RoleRecord | null> {
    return db.role.findFirst({ where: { orgId, name: { equals: name, mode: 'insensitive' } } });
  }

  create(tx: TransactionClient, data: { orgId: string; key: string; name: string; description: string; permissions: string[] }): Promise<RoleRecord> {
    return tx.role.create({ data });
  }

  update(tx: TransactionClient, id: string, data: { name?: string; description?: string; permissions?: string[] }): Promise<RoleRecord> {
    return tx.role.update({ where: { id }, data });
  }

  delete(tx: TransactionClient, id: string) {
    return tx.role.delete({ where: { id } });
  }

  async memberCounts(orgId: string, db: Db = this.prisma): Promise<Map<string, number>> {
    const rows = await db.membership.groupBy({ by: ['role'], where: { orgId }, _count: { _all: true } });
    return new Map(rows.map((r) => [r.role, r._count._all]));
  }
}
