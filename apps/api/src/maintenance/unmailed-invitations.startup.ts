import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnmailedInvitations } from '@app/members';
import { DATABASE, type Database } from '@app/shared';

// Any constant works; it only has to be the same in every instance (retention and keys use others).
export const UNMAILED_INVITATIONS_LOCK_ID = 0x6f77696e76;
const RETRY_MS = 60_000;

/**
 * Once per start, before the server answers: pending invitations made when links were handed to the
 * inviter get a new link mailed to the invitee. One instance at a time does it (each invitation is also
 * mailed at most once by itself); a failure is logged and tried again a minute later.
 */
@Injectable()
export class UnmailedInvitationsStartup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Invitations');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly unmailed: UnmailedInvitations,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /** One pass; false when another instance was running it. */
  async run(): Promise<boolean> {
    try {
      const outcome = await this.database.runExclusive(UNMAILED_INVITATIONS_LOCK_ID, () => this.unmailed.mailAll());
      if (outcome.ran && outcome.value > 0) this.logger.log(`Mailed a new link for ${outcome.value} pending invitation(s) made before invitations were mailed`);
      return outcome.ran;
    } catch (error) {
      this.logger.warn(`Mailing pending invitations failed, retrying in a minute: ${(error as Error).message}`);
      this.timer = setTimeout(() => void this.run(), RETRY_MS).unref();
      return false;
    }
  }
}
