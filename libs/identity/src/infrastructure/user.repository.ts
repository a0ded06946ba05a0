import { Injectable } from '@nestjs/common';
import { PrismaService, isUniqueViolation, type Db } from '@app/shared';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  emailVerifiedAt: Date | null;
  createdAt: Date;
}


@Injectable()
export class UserRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByEmail(email: string, db: Db = this.prisma): Promise<UserRecord | null> {
    return db.user.findUnique({ where: { email } });
  }

  findById(id: string, db: Db = this.prisma): Promise<UserRecord | null> {
    return db.user.findUnique({ where: { id } });
  }

  async updatePasswordHash(id: string, passwordHash: string, db: Db = this.prisma): Promise<void> {
    await db.user.update({ where: { id }, data: { passwordHash } });
  }

  async markVerified(id: string, now: Date, db: Db = this.prisma): Promise<void> {
    await db.user.updateMany({ where: { id, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
  }

  async exists(db: Db = this.prisma): Promise<boolean> {
    return (await db.user.findFirst({ select: { id: true } })) !== null;
  }

  /** Returns null when the email is already taken. */
  async create(data: { email: string; name: string; passwordHash: string; emailVerifiedAt: Date | null }, db: Db = this.prisma): Promise<UserRecord | null> {
    try {
      return await db.user.create({ data });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }
}
