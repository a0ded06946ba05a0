import { Body, Controller, Header, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClientsService, type RegistrationResponse } from '../application/clients.service.js';
import { RequestLimits } from '../application/request-limits.service.js';
import { allowAnyOrigin } from './cors.js';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';
import { clientAddress } from './token.controller.js';

/** RFC 7591 dynamic client registration (public clients). */
@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class RegistrationController {
  constructor(
    private readonly clients: ClientsService,
    private readonly limits: RequestLimits,
  ) {}

  @Post('register')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  async register(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<RegistrationResponse> {
    allowAnyOrigin(res);
    await this.limits.admitRegistration(clientAddress(req));
    return this.clients.register(body);
  }
}
