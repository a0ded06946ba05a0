import { Injectable } from '@nestjs/common';
import { displayName, hashPassword, UNKNOWN_ACCOUNT_HASH, verifyPassword } from '@app/shared';
import { assertPasswordAcceptable, normalizeEmail } from '../domain/account-rules.js';
import { EmailTakenError, InvalidCredentialsError, UserNotFoundError } from '../domain/identity.errors.js';
import { UserRepository, type UserRecord } from '../infrastructure/user.repository.js';

export interface Account {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

const toAccount = ({ id, email, name, createdAt }: UserRecord): Account => ({ id, email, name, createdAt });

@Injectable()
export class AccountsService {
  constructor(private readonly users: UserRepository) {}

  async register(input: { email: string; password: string; name: string }): Promise<Account> {
    const email = normalizeEmail(input.email);
    const name = displayName(input.name);
    assertPasswordAcceptable(input.password);
    const user = await this.users.create({ email, name, passwordHash: await hashPassword(input.password) });
    if (!user) throw new EmailTakenError(email);
    return toAccount(user);
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

  async findByEmail(rawEmail: string): Promise<Account | null> {
    const user = await this.users.findByEmail(normalizeEmail(rawEmail));
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

  async findById(id: string): Promise<Account | null> {
    const user = await this.users.findById(id);
    return user && toAccount(user);
  }
}
