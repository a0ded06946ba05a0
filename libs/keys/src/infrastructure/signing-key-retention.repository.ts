import { Injectable } from '@nestjs/common';
import { before, DAY_MS, Prisma, RetentionDeclarations, type RetentionRule } from '@app/shared';

// Rotation already drops expired keys; this covers forced rotations, which add keys without dropping any.
@Injectable()
export class SigningKeyRetentionRepository extends RetentionDeclarations {
  rules(): RetentionRule[] {
    return [this.rule('SigningKey', 'signing keys a day after they left the JWKS', (now) => Prisma.sql`"expiresAt" < ${before(now, DAY_MS)}`)];
  }
}
