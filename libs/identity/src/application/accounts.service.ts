import { Injectable } from '@nestjs/common';
import { Clock, displayName, hashPassword, UNKNOWN_ACCOUNT_HASH, verifyPassword, type TransactionClient } from '@app/shared';
import { assertPasswordAcceptable, normalizeEmail } from '../domain/account-rules.js';
import { EmailTakenError, InvalidCredentialsError, UserNotFoundError } from '../domain/identity.errors.js';
import { UserRepository, type UserRecord } from '../infrastructure/user.repository.js';

export interface Account {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  createdAt: Date;
}

export interface PreparedAccount {
  email: string;
  name: string;
  passwordHash: string;
  verified: boolean;
}

export interface NewAccount {
  email: string;
  password: string;
  name: string;
  /** True when whoever creates the account has shown they control the address (or an operator vouches). */
  verified: boolean;
}

const toAccount = ({ id, email, name, emailVerifiedAt, createdAt }: UserRecord): Account => ({ id, email, name, emailVerified: emailVerifiedAt !== null, createdAt });

@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  /** The cheap checks alone: bad input is refused before anything is counted or hashed. */
  validate(input: NewAccount): { email: string; name: string } {
    const email = normalizeEmail(input.email);
    const name = displayName(input.name);
    assertPasswordAcceptable(input.password);
    return { email, name };
  }

  /** Validates and hashes first, so nothing slow or refusable happens inside the caller's transaction. */
  async prepare(input: NewAccount): Promise<PreparedAccount> {
    const { email, name } = this.validate(input);
    return { email, name, passwordHash: await hashPassword(input.password), verified: input.verified };
  }

  /** Creates a prepared account; EmailTakenError when the address already has one. */
  async create(prepared: PreparedAccount, tx?: TransactionClient): Promise<Account> {
    const user = await this.users.create(
      { email: prepared.email, name: prepared.name, passwordHash: prepared.passwordHash, emailVerifiedAt: prepared.verified ? this.clock.now() : null },
      tx,
    );
    if (!user) throw new EmailTakenError(prepared.email);
    return toAccount(user);
  }

  async register(input: NewAccount, tx?: TransactionClient): Promise<Account> {
    return this.create(await this.prepare(input), tx);
  }

  /** Whether any account exists: until one does, the server offers first-run setup. */
  anyExists(tx?: TransactionClient): Promise<boolean> {
    return this.users.exists(tx);
  }

  /** Always pays for one hash, so a wrong email and a wrong password take the same time. */
  async authenticate(rawEmail: string, password: string): Promise<Account> {
    let email: string;
    try {
      email = normalizeEmail(rawEmail);
    } catch {
      await verifyPassword(password, UNKNOWN_ACCOUNT_HASH);
      throw new InvalidCredentialsError();
    }
    const user = await this.users.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_ACCOUNT_HASH);
    if (!user || !ok) throw new InvalidCredentialsError();
    return toAccount(user);
  }

  async findByEmail(rawEmail: string, tx?: TransactionClient): Promise<Account | null> {
    const user = await this.users.findByEmail(normalizeEmail(rawEmail), tx);
    return user && toAccount(user);
  }

  async getByEmail(rawEmail: string): Promise<Account> {
    const account = await this.findByEmail(rawEmail);
    if (!account) throw new UserNotFoundError(normalizeEmail(rawEmail));
    return account;
  }

  /** Sets a new password (operator tooling: demo data, recovery). */
  async setPassword(userId: string, password: string): Promise<void> {
    assertPasswordAcceptable(password);
    await this.users.updatePasswordHash(userId, await hashPassword(password));
  }

  /** Stores an already checked and hashed password (see PasswordResetService). */
  async replacePasswordHash(userId: string, passwordHash: string, tx: TransactionClient): Promise<void> {
    await this.users.updatePasswordHash(userId, passwordHash, tx);
  }

  async markVerified(userId: string, tx?: TransactionClient): Promise<void> {
    await this.users.markVerified(userId, this.clock.now(), tx);
  }

  async findById(id: string, tx?: TransactionClient): Promise<Account | null> {
    const user = await this.users.findById(id, tx);
    return user && toAccount(user);
  }
}
