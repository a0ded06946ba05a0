import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type Db, type PageRequest, type TransactionClient } from '@app/shared';
import type { ConfigObjectType } from '../domain/config-object.js';

export interface ConfigObjectRecord {
  id: string;
  orgId: string;
  type: ConfigObjectType;
  name: string;
  description: string;
  latestVersion: number;
  createdByUserId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConfigObjectVersionRecord {
  version: number;
  content: string;
  metadata: unknown;
  createdByUserId: string;
  createdAt: Date;
}

@Injectable()
export class ConfigObjectRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, id: string, types: readonly ConfigObjectType[], db: Db = this.prisma): Promise<ConfigObjectRecord | null> {
    return db.configObject.findFirst({ where: { orgId, id, type: { in: [...types] } } });
  }

  findByName(orgId: string, type: ConfigObjectType, name: string, db: Db = this.prisma): Promise<ConfigObjectRecord | null> {
    return db.configObject.findUnique({ where: { orgId_type_name: { orgId, type, name } } });
  }

  list(orgId: string, types: readonly ConfigObjectType[], page: PageRequest): Promise<ConfigObjectRecord[]> {
    return this.prisma.configObject.findMany({ where: { orgId, type: { in: [...types] }, ...afterCursor(page) }, ...pageArgs(page) });
  }

  version(orgId: string, configObjectId: string, version: number, db: Db = this.prisma): Promise<ConfigObjectVersionRecord | null> {
    return db.configObjectVersion.findFirst({ where: { orgId, configObjectId, version } });
  }

  create(
    tx: TransactionClient,
    data: { orgId: string; type: ConfigObjectType; name: string; description: string; content: string; metadata: object; userId: string },
  ): Promise<ConfigObjectRecord> {
    return tx.configObject.create({
      data: {
        orgId: data.orgId,
        type: data.type,
        name: data.name,
        description: data.description,
        latestVersion: 1,
        createdByUserId: data.userId,
        versions: { create: { orgId: data.orgId, version: 1, content: data.content, metadata: data.metadata, createdByUserId: data.userId } },
      },
    });
  }

  /** Appends the next version; the increment and the unique (object, version) keep concurrent updates apart. */
  async addVersion(
    tx: TransactionClient,
    current: ConfigObjectRecord,
    data: { name: string; description: string; content: string; metadata: object; userId: string },
  ): Promise<ConfigObjectRecord> {
    const updated = await tx.configObject.update({
      where: { id: current.id },
      data: { name: data.name, description: data.description, latestVersion: { increment: 1 } },
    });
    await tx.configObjectVersion.create({
      data: {
        orgId: current.orgId,
        configObjectId: current.id,
        version: updated.latestVersion,
        content: data.content,
        metadata: data.metadata,
        createdByUserId: data.userId,
      },
    });
    return updated;
  }

  async delete(tx: TransactionClient, orgId: string, id: string): Promise<void> {
    await tx.configObject.deleteMany({ where: { orgId, id } });
  }
}
