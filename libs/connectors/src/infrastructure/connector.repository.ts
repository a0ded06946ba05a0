import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type Db, type PageRequest, type TransactionClient } from '@app/shared';

export interface ConnectorRecord {
  id: string;
  orgId: string;
  name: string;
  type: string;
  config: unknown;
  credentialsEncrypted: string | null;
  credentialsLast4: string | null;
  createdByUserId: string;
  createdAt: Date;
  updatedAt: Date;
}

@Injectable()
export class ConnectorRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, id: string, db: Db = this.prisma): Promise<ConnectorRecord | null> {
    return db.connector.findFirst({ where: { orgId, id } });
  }

  findByName(orgId: string, name: string, db: Db = this.prisma): Promise<ConnectorRecord | null> {
    return db.connector.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  list(orgId: string, page: PageRequest, type?: string): Promise<ConnectorRecord[]> {
    return this.prisma.connector.findMany({ where: { orgId, ...(type ? { type } : {}), ...afterCursor(page) }, ...pageArgs(page) });
  }

  create(tx: TransactionClient, data: { orgId: string; name: string; type: string; config: object; userId: string }): Promise<ConnectorRecord> {
    return tx.connector.create({ data: { orgId: data.orgId, name: data.name, type: data.type, config: data.config, createdByUserId: data.userId } });
  }

  async update(
    tx: TransactionClient,
    orgId: string,
    id: string,
    changes: { name?: string; config?: object; credentialsEncrypted?: string | null; credentialsLast4?: string | null },
  ): Promise<ConnectorRecord> {
    await tx.connector.updateMany({ where: { orgId, id }, data: changes });
    return (await this.find(orgId, id, tx))!;
  }

  async delete(tx: TransactionClient, orgId: string, id: string): Promise<void> {
    await tx.connector.deleteMany({ where: { orgId, id } });
  }
}
