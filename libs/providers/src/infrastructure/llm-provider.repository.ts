import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type PageRequest, type TransactionClient, isUniqueViolation } from '@app/shared';

type Db = PrismaService | TransactionClient;

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

  transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  find(orgId: string, id: string, db: Db = this.prisma): Promise<LlmProviderRecord | null> {
    return db.llmProvider.findFirst({ where: { orgId, id } });
  }

  findByName(orgId: string, name: string): Promise<LlmProviderRecord | null> {
    return this.prisma.llmProvider.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  list(orgId: string, page: PageRequest): Promise<LlmProviderRecord[]> {
    return this.prisma.llmProvider.findMany({ where: { orgId, ...afterCursor(page) }, ...pageArgs(page) });
  }

  create(data: { orgId: string; name: string; kind: string; baseUrl: string | null; models: string[]; userId: string }, db: Db): Promise<LlmProviderRecord> {
    return db.llmProvider.create({
      data: { orgId: data.orgId, name: data.name, kind: data.kind, baseUrl: data.baseUrl, models: data.models, createdByUserId: data.userId },
    });
  }

  async update(
    orgId: string,
    id: string,
    changes: { name?: string; kind?: string; baseUrl?: string | null; models?: string[]; apiKeyEncrypted?: string | null; apiKeyLast4?: string | null },
    db: Db,
  ): Promise<LlmProviderRecord> {
    await db.llmProvider.updateMany({ where: { orgId, id }, data: changes });
    return (await this.find(orgId, id, db))!;
  }

  async delete(orgId: string, id: string, db: Db): Promise<void> {
    await db.llmProvider.deleteMany({ where: { orgId, id } });
  }
}
