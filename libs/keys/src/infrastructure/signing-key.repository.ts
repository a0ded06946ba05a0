import { Injectable } from '@nestjs/common';
import { PrismaService, TransactionRunner, type TransactionClient } from '@app/shared';

export interface SigningKeyRecord {
  id: string;
  publicJwk: unknown;
  privateKeyEncrypted: string;
  createdAt: Date;
  retiresAt: Date;
  expiresAt: Date;
}

// Any constant works; it only has to be the same in every instance.
const ROTATION_LOCK_ID = 0x6f776b79;

@Injectable()
export class SigningKeyRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Keys still published in the JWKS, newest first. */
  listPublished(now: Date): Promise<SigningKeyRecord[]> {
    return this.prisma.signingKey.findMany({ where: { expiresAt: { gt: now } }, orderBy: { createdAt: 'desc' } });
  }

  /**
   * Runs `work` while holding a database-wide advisory lock, so instances sharing the database
   * rotate one at a time and each sees the others' result.
   */
  withRotationLock<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.transactions.run(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROTATION_LOCK_ID}::bigint)`;
      return work(tx);
    });
  }

  findActive(tx: TransactionClient, now: Date): Promise<SigningKeyRecord | null> {
    return tx.signingKey.findFirst({ where: { retiresAt: { gt: now } }, orderBy: { createdAt: 'desc' } });
  }

  insert(tx: TransactionClient, key: Omit<SigningKeyRecord, 'publicJwk'> & { publicJwk: object }): Promise<SigningKeyRecord> {
    return tx.signingKey.create({ data: { ...key, algorithm: 'EdDSA' } });
  }

  /** Stops every key that could still sign; returns their ids. */
  async retireActive(tx: TransactionClient, now: Date, expiresAt: Date): Promise<string[]> {
    const active = await tx.signingKey.findMany({ where: { retiresAt: { gt: now } }, select: { id: true }, orderBy: { createdAt: 'desc' } });
    await tx.signingKey.updateMany({ where: { id: { in: active.map((k) => k.id) } }, data: { retiresAt: now, expiresAt } });
    return active.map((k) => k.id);
  }

  deleteExpired(tx: TransactionClient, now: Date): Promise<unknown> {
    return tx.signingKey.deleteMany({ where: { expiresAt: { lte: now } } });
  }
}
