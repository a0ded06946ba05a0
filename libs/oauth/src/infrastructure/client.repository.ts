import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/shared';

@Injectable()
export class ClientRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string) {
    return this.prisma.oAuthClient.findUnique({ where: { id } });
  }

  /** First-party clients are not registered over HTTP; they exist from first use. */
  ensureFirstParty(id: string, clientName: string) {
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
