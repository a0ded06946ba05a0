import { Body, Controller, Header, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { ClientsService, type RegistrationResponse } from '../application/clients.service.js';
import { allowAnyOrigin } from './cors.js';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';

/** RFC 7591 dynamic client registration (public clients). */
@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class RegistrationController {
  constructor(private readonly clients: ClientsService) {}

  @Post('register')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  register(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<RegistrationResponse> {
    allowAnyOrigin(res);
    return this.clients.register(body);
  }
}
