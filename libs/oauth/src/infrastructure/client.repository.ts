import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/shared';
import type { ClientMetadata } from '../domain/client-metadata.js';

export interface ClientRecord extends ClientMetadata {
  id: string;
  kind: 'dynamic' | 'metadata_document' | 'first_party';
  metadataExpiresAt: Date | null;
  createdAt: Date;
}

@Injectable()
export class ClientRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string): Promise<ClientRecord | null> {
    return this.prisma.oAuthClient.findUnique({ where: { id } });
  }

  createDynamic(id: string, metadata: ClientMetadata): Promise<ClientRecord> {
    return this.prisma.oAuthClient.create({ data: { id, kind: 'dynamic', ...metadata } });
  }

  /** Caches a fetched Client ID Metadata Document under its URL. */
  saveMetadataDocument(id: string, metadata: ClientMetadata, fetchedAt: Date, expiresAt: Date): Promise<ClientRecord> {
    const data = { ...metadata, metadataFetchedAt: fetchedAt, metadataExpiresAt: expiresAt };
    return this.prisma.oAuthClient.upsert({ where: { id }, update: data, create: { id, kind: 'metadata_document', ...data } });
  }

  /** First-party clients are not registered over HTTP; they exist from first use. */
  ensureFirstParty(id: string, clientName: string): Promise<ClientRecord> {
    return this.prisma.oAuthClient.upsert({
      where: { id },
      update: {},
      create: {
        id,
        kind: 'first_party',
        clientName,
        redirectUris: [],
        grantTypes: ['urn:ietf:params:oauth:grant-type:token-exchange'],
        responseTypes: [],
        scope: 'mcp:read mcp:write',
      },
    });
  }
}
