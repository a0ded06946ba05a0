import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AccountsService, IdentityTokens, SETUP_TOKEN_LIFETIME_MS, SessionsService } from '@app/identity';
import { OrganizationsService } from '@app/members';
import { AppConfig, TransactionRunner } from '@app/shared';
import { SetupUnavailableError } from '../domain/onboarding.errors.js';

export interface OwnerForm {
  name: string;
  email: string;
  password: string;
  organizationName: string;
}

/**
 * First run: while no account exists, each starting instance stores a fresh setup token (replacing any
 * earlier one) and logs the link; following it creates the first owner and their organization, once.
 */
@Injectable()
export class FirstRunService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Setup');

  constructor(
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly sessions: SessionsService,
    private readonly tokens: IdentityTokens,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.openSetup();
  }

  /** Stores a fresh setup token and logs its link, unless an account exists. Returns the link. */
  async openSetup(): Promise<string | null> {
    const link = await this.transactions.run(async (tx) => {
      if (await this.accounts.anyExists(tx)) return null;
      const { token } = await this.tokens.issue(tx, 'setup', null, SETUP_TOKEN_LIFETIME_MS);
      return `${this.config.publicUrl}/setup?token=${token}`;
    });
    if (link) this.logger.log(`Create the first owner: ${link}`);
    return link;
  }

  /** Whether this token opens the setup page now. */
  async isOpen(token: unknown): Promise<boolean> {
    return !(await this.accounts.anyExists()) && (await this.tokens.isLive('setup', token));
  }

  /** Creates the first owner (verified) and organization and signs them in; SetupUnavailableError otherwise. */
  async complete(token: unknown, form: OwnerForm, client: { userAgent?: string; ipAddress?: string }) {
    if (!(await this.isOpen(token))) throw new SetupUnavailableError();
    this.accounts.validate({ email: form.email, name: form.name, password: form.password, verified: true });
    this.organizations.checkName(form.organizationName);
    const prepared = await this.accounts.prepare({ email: form.email, name: form.name, password: form.password, verified: true });
    const { account, organization } = await this.transactions.run(async (tx) => {
      if (!(await this.tokens.consume(tx, 'setup', token)) || (await this.accounts.anyExists(tx))) throw new SetupUnavailableError();
      await this.tokens.retire(tx, 'setup', null);
      const account = await this.accounts.create(prepared, tx);
      const organization = await this.organizations.createForOwner(tx, { name: form.organizationName, ownerUserId: account.id });
      return { account, organization };
    });
    const { token: sessionToken } = await this.sessions.start(account.id, client);
    this.logger.log(`First owner ${account.email} created with organization "${organization.name}"; setup is closed.`);
    return { sessionToken, account, organization };
  }
}
