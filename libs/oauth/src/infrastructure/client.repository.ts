import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, PrismaService, type Database, type Statement } from '@app/shared';
import type { ClientMetadata } from '../domain/client-metadata.js';

export interface ClientRecord extends ClientMetadata {
  id: string;
  kind: 'dynamic' | 'metadata_document' | 'first_party';
  metadataExpiresAt: Date | null;
  createdAt: Date;
}

// Every token request looks its client up first: on the driver, prepared once per connection.
const CLIENT_BY_ID: Statement = {
  name: 'oauth_client_by_id',
  text: `SELECT id, kind, "clientName", "redirectUris", "grantTypes", "responseTypes", scope, "clientUri", "logoUri",
                "softwareId", "softwareVersion", "metadataExpiresAt", "createdAt"
           FROM "OAuthClient" WHERE id = $1`,
};

@Injectable()
export class ClientRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  async findById(id: string): Promise<ClientRecord | null> {
    const [client] = await this.database.query<ClientRecord>(CLIENT_BY_ID, [id]);
    return client ?? null;
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
