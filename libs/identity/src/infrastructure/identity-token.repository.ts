import { Injectable } from '@nestjs/common';
import { PrismaService, type Db } from '@app/shared';

export type IdentityTokenPurpose = 'setup' | 'verify_email' | 'reset_password';


@Injectable()
export class IdentityTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(db: Db, data: { purpose: IdentityTokenPurpose; userId: string | null; tokenHash: string; expiresAt: Date }): Promise<void> {
    await db.identityToken.create({ data });
  }

  /** Live means unused and unexpired. */
  findLive(purpose: IdentityTokenPurpose, tokenHash: string, now: Date, db: Db = this.prisma) {
    return db.identityToken.findFirst({ where: { purpose, tokenHash, usedAt: null, expiresAt: { gt: now } }, select: { id: true, userId: true, expiresAt: true } });
  }

  /** Marks the token used if it is still live, in one statement: of two concurrent uses, exactly one wins. */
  async consume(db: Db, purpose: IdentityTokenPurpose, tokenHash: string, now: Date): Promise<{ userId: string | null } | null> {
    const token = await this.findLive(purpose, tokenHash, now, db);
    if (!token) return null;
    const { count } = await db.identityToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: now } });
    return count === 1 ? { userId: token.userId } : null;
  }

  /** Ends every live token of this purpose (for this user, or all setup tokens): a new link replaces the old. */
  async retire(db: Db, purpose: IdentityTokenPurpose, userId: string | null, now: Date): Promise<void> {
    await db.identityToken.updateMany({ where: { purpose, usedAt: null, ...(userId ? { userId } : {}) }, data: { usedAt: now } });
  }
}
