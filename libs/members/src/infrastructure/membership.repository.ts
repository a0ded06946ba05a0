import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/shared';

@Injectable()
export class MembershipRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, userId: string) {
    return this.prisma.membership.findUnique({ where: { orgId_userId: { orgId, userId } } });
  }

  create(orgId: string, userId: string, role: string) {
    return this.prisma.membership.create({ data: { orgId, userId, role } });
  }

  customRoleKeys(orgId: string): Promise<string[]> {
    return this.prisma.role.findMany({ where: { orgId }, select: { key: true } }).then((rows) => rows.map((r) => r.key));
  }
}
