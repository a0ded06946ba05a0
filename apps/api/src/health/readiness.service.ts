import { Injectable, Logger } from '@nestjs/common';
import { SigningKeysService } from '@app/keys';
import { migrationNames, PrismaService } from '@app/shared';

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Ready means this instance can do its work: the database answers, its schema is the one this build
 * expects, and the active signing key opens with this SECRETS_KEY (a wrong key would fail every token
 * request while the process looks healthy). The reason goes to the log, never to the probe's body.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');
  private shipped: Promise<string[]> | undefined;
  private lastReason: string | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: SigningKeysService,
  ) {}

  async check(): Promise<Readiness> {
    const reason = await this.findProblem();
    // Logged when the state changes, so a probe every few seconds does not flood the log.
    if (reason !== this.lastReason) {
      if (reason) this.logger.warn(`Not ready: ${reason}`);
      else if (this.lastReason) this.logger.log('Ready again');
      this.lastReason = reason;
    }
    return reason ? { ready: false, reason } : { ready: true };
  }

  private async findProblem(): Promise<string | null> {
    // One round trip when all is well: reading the migration history also proves the database answers.
    let applied: Set<string>;
    try {
      applied = await this.prisma.appliedMigrations();
    } catch (error) {
      if (!(await this.prisma.isReachable())) return 'the database does not answer';
      return `the migration history cannot be read: ${(error as Error).message}`;
    }
    this.shipped ??= migrationNames();
    const pending = (await this.shipped).filter((name) => !applied.has(name));
    if (pending.length) return `migrations pending: ${pending.join(', ')}`;
    try {
      await this.keys.activeKey();
    } catch (error) {
      return `no usable signing key: ${(error as Error).message}`;
    }
    return null;
  }
}
