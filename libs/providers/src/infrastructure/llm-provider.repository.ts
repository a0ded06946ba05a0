import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type Db, type PageRequest, type TransactionClient } from '@app/shared';

export interface LlmProviderRecord {
  id: string;
  orgId: string;
  name: string;
  kind: string;
  baseUrl: string | null;
  models: string[];
  apiKeyEncrypted: string | null;
  apiKeyLast4: string | null;
  createdByUserId: string;
  createdAt: Date;
  updatedAt: Date;
}

@Injectable()
export class LlmProviderRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, id: string, db: Db = this.prisma): Promise<LlmProviderRecord | null> {
    return db.llmProvider.findFirst({ where: { orgId, id } });
  }

  findByName(orgId: string, name: string, db: Db = this.prisma): Promise<LlmProviderRecord | null> {
    return db.llmProvider.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  list(orgId: string, page: PageRequest): Promise<LlmProviderRecord[]> {
    return this.prisma.llmProvider.findMany({ where: { orgId, ...afterCursor(page) }, ...pageArgs(page) });
  }

  create(tx: TransactionClient, data: { orgId: string; name: string; kind: string; baseUrl: string | null; models: string[]; userId: string }): Promise<LlmProviderRecord> {
    return tx.llmProvider.create({
      data: { orgId: data.orgId, name: data.name, kind: data.kind, baseUrl: data.baseUrl, models: data.models, createdByUserId: data.userId },
    });
  }

  async update(
    tx: TransactionClient,
    orgId: string,
    id: string,
    changes: { name?: string; kind?: string; baseUrl?: string | null; models?: string[]; apiKeyEncrypted?: string | null; apiKeyLast4?: string | null },
  ): Promise<LlmProviderRecord> {
    await tx.llmProvider.updateMany({ where: { orgId, id }, data: changes });
    return (await this.find(orgId, id, tx))!;
  }

  async delete(tx: TransactionClient, orgId: string, id: string): Promise<void> {
    await tx.llmProvider.deleteMany({ where: { orgId, id } });
  }
}
