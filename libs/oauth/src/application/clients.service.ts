import { Injectable, Logger } from '@nestjs/common';
import { Clock, newSecret } from '@app/shared';
import { clientIdUrlProblem, isMetadataDocumentClientId, validateClientMetadata } from '../domain/client-metadata.js';
import { OAuthError } from '../domain/oauth.errors.js';
import { ClientMetadataFetcher, MetadataFetchError } from '../infrastructure/client-metadata.fetcher.js';
import { ClientRepository, type ClientRecord } from '../infrastructure/client.repository.js';

// A fetched metadata document is trusted for its max-age, kept between 5 minutes and a day.
const METADATA_DEFAULT_TTL_S = 60 * 60;
const METADATA_MIN_TTL_S = 5 * 60;
const METADATA_MAX_TTL_S = 24 * 60 * 60;

export interface RegistrationResponse {
  client_id: string;
  client_id_issued_at: number;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  scope: string;
  token_endpoint_auth_method: 'none';
  client_uri?: string;
  logo_uri?: string;
  software_id?: string;
  software_version?: string;
}

@Injectable()
export class ClientsService {
  private readonly logger = new Logger('OAuthClients');

  constructor(
    private readonly clients: ClientRepository,
    private readonly fetcher: ClientMetadataFetcher,
    private readonly clock: Clock,
  ) {}

  /** RFC 7591 dynamic registration of a public client. */
  async register(body: unknown): Promise<RegistrationResponse> {
    const metadata = validateClientMetadata(body);
    const client = await this.clients.createDynamic(`mcp_${newSecret(18)}`, metadata);
    this.logger.log(`Registered client ${client.id} (${JSON.stringify(client.clientName)})`);
    return {
      client_id: client.id,
      client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
      client_name: client.clientName,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      response_types: client.responseTypes,
      scope: client.scope,
      token_endpoint_auth_method: 'none',
      ...(client.clientUri && { client_uri: client.clientUri }),
      ...(client.logoUri && { logo_uri: client.logoUri }),
      ...(client.softwareId && { software_id: client.softwareId }),
      ...(client.softwareVersion && { software_version: client.softwareVersion }),
    };
  }

  /** The client behind a client_id: registered, first-party, or an https Client ID Metadata Document. */
  async resolve(clientId: string | undefined): Promise<ClientRecord> {
    if (!clientId) throw new OAuthError('invalid_client', 'client_id is required.');
    if (clientId.length > 2000) throw new OAuthError('invalid_client', 'client_id is too long.');
    if (isMetadataDocumentClientId(clientId)) return this.resolveMetadataDocument(clientId);
    const client = await this.clients.findById(clientId);
    if (!client) throw new OAuthError('invalid_client', 'Unknown client_id; register the client first (POST /oauth/register).');
    return client;
  }

  /** The client, if it may use this grant type at the token endpoint. */
  async resolveForGrant(clientId: string | undefined, grantType: string): Promise<ClientRecord> {
    const client = await this.resolve(clientId);
    if (!client.grantTypes.includes(grantType)) throw new OAuthError('unauthorized_client', `This client may not use the ${grantType} grant.`);
    return client;
  }

  private async resolveMetadataDocument(clientId: string): Promise<ClientRecord> {
    const problem = clientIdUrlProblem(clientId);
    if (problem) throw new OAuthError('invalid_client', `The client_id URL ${problem}.`);
    const now = this.clock.now();
    const cached = await this.clients.findById(clientId);
    if (cached?.kind === 'metadata_document' && cached.metadataExpiresAt && cached.metadataExpiresAt > now) return cached;
    let fetched;
    try {
      fetched = await this.fetcher.fetch(clientId);
    } catch (error) {
      if (error instanceof MetadataFetchError) throw new OAuthError('invalid_client', `The client metadata document was refused: ${error.message}.`);
      throw error;
    }
    const body = fetched.body as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || body.client_id !== clientId) {
      throw new OAuthError('invalid_client', 'The client metadata document must name its own URL as client_id.');
    }
    let metadata;
    try {
      metadata = validateClientMetadata(body);
    } catch (error) {
      throw new OAuthError('invalid_client', `The client metadata document is invalid: ${(error as Error).message}`);
    }
    const ttl = Math.min(METADATA_MAX_TTL_S, Math.max(METADATA_MIN_TTL_S, fetched.maxAgeSeconds ?? METADATA_DEFAULT_TTL_S));
    return this.clients.saveMetadataDocument(clientId, metadata, now, new Date(now.getTime() + ttl * 1000));
  }
}
