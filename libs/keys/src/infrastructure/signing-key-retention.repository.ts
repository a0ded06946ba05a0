import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DAY_MS, deleteBatchWhere, Prisma, PrismaService, RetentionRegistry, type RetentionRule } from '@app/shared';

// Rotation already drops expired keys; this covers forced rotations, which add keys without dropping any.
@Injectable()
export class SigningKeyRetentionRepository implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: RetentionRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.declare(...this.rules());
  }

  rules(): RetentionRule[] {
    return [
      {
        table: 'SigningKey',
        deletes: 'signing keys a day after they left the JWKS',
        deleteBatch: (now, limit) =>
          deleteBatchWhere(this.prisma, 'SigningKey', Prisma.sql`"expiresAt" < ${new Date(now.getTime() - DAY_MS)}`, limit),
      },
    ];
  }
}
