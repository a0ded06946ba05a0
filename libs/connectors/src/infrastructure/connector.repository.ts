import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type PageRequest, type TransactionClient, isUniqueViolation } from '@app/shared';

type Db = PrismaService | TransactionClient;

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

  transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  find(orgId: string, id: string, db: Db = this.prisma): Promise<ConnectorRecord | null> {
    return db.connector.findFirst({ where: { orgId, id } });
  }

  findByName(orgId: string, name: string): Promise<ConnectorRecord | null> {
    return this.prisma.connector.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  list(orgId: string, page: PageRequest, type?: string): Promise<ConnectorRecord[]> {
    return this.prisma.connector.findMany({ where: { orgId, ...(type ? { type } : {}), ...afterCursor(page) }, ...pageArgs(page) });
  }

  create(data: { orgId: string; name: string; type: string; config: object; userId: string }, db: Db): Promise<ConnectorRecord> {
    return db.connector.create({ data: { orgId: data.orgId, name: data.name, type: data.type, config: data.config, createdByUserId: data.userId } });
  }

  async update(
    orgId: string,
    id: string,
    changes: { name?: string; config?: object; credentialsEncrypted?: string | null; credentialsLast4?: string | null },
    db: Db,
  ): Promise<ConnectorRecord> {
    await db.connector.updateMany({ where: { orgId, id }, data: changes });
    return (await this.find(orgId, id, db))!;
  }

  async delete(orgId: string, id: string, db: Db): Promise<void> {
    await db.connector.deleteMany({ where: { orgId, id } });
  }
}
