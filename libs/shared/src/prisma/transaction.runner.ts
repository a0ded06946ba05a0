import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from './prisma.service.js';

// One policy for every area. Writes queue on row locks (the organization row for seats, a plugin for
// its grants), so a transaction may wait its turn; the bounds only guard against a stuck connection.
const POLICY = { maxWait: 20_000, timeout: 30_000 };

/** Groups repository calls and their audit entry into one database transaction. */
@Injectable()
export class TransactionRunner {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work, POLICY);
  }
}
