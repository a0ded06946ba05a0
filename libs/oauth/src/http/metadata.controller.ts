import { Controller, Get, Header, Options, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { SigningKeysService } from '@app/keys';
import { AppConfig } from '@app/shared';
import { GRANT_TYPE_CODE, GRANT_TYPE_REFRESH, GRANT_TYPE_TOKEN_EXCHANGE, SUPPORTED_SCOPES } from '../domain/oauth-constants.js';
import { allowAnyOrigin } from './cors.js';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';

/** RFC 8414 authorization server metadata (also served as the OpenID discovery fallback) and the JWKS. */
@Controller()
@UseFilters(OAuthExceptionFilter)
export class MetadataController {
  private readonly document: Record<string, unknown>;

  constructor(
    config: AppConfig,
    private readonly keys: SigningKeysService,
  ) {
    const base = config.publicUrl;
    this.document = {
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      registration_endpoint: `${base}/oauth/register`,
      revocation_endpoint: `${base}/oauth/revoke`,
      jwks_uri: `${base}/oauth/jwks`,
      scopes_supported: [...SUPPORTED_SCOPES],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [GRANT_TYPE_CODE, GRANT_TYPE_REFRESH, GRANT_TYPE_TOKEN_EXCHANGE],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
      resource_indicators_supported: true,
    };
  }

  @Get(['.well-known/oauth-authorization-server', '.well-known/openid-configuration'])
  @Header('Cache-Control', 'public, max-age=300')
  metadata(@Res({ passthrough: true }) res: Response) {
    allowAnyOrigin(res);
    return this.document;
  }

  @Get('oauth/jwks')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/jwk-set+json')
  async jwks(@Res({ passthrough: true }) res: Response) {
    allowAnyOrigin(res);
    return this.keys.jwks();
  }

  @Options(['.well-known/oauth-authorization-server', '.well-known/openid-configuration', 'oauth/jwks', 'oauth/register', 'oauth/token', 'oauth/revoke'])
  preflight(@Res() res: Response): void {
    allowAnyOrigin(res);
    res.status(204).end();
  }
}
