import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '@app/shared';

// Generous waits: concurrent invitations queue on the organization row lock.
const OPTIONS = { maxWait: 20_000, timeout: 30_000 };

/** Lets use cases group repository calls and the audit entry into one database transaction. */
@Injectable()
export class TransactionRunner {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work, OPTIONS);
  }
}
