import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from './prisma.service.js';

const OPTIONS = { maxWait: 20_000, timeout: 30_000 };

/** Lets a use case spanning several repositories (and contexts) commit their writes together. */
@Injectable()
export class Transactions {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work, OPTIONS);
  }
}
