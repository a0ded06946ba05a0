import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/shared';

export interface OrganizationRecord {
  id: string;
  name: string;
  slug: string;
  plan: string;
  seatLimit: number;
  allowedEmailDomains: string[];
  createdAt: Date;
  updatedAt: Date;
}

@Injectable()
export class OrganizationRepository {
  constructor(private readonly prisma: PrismaService) {}

  findBySlug(slug: string): Promise<OrganizationRecord | null> {
    return this.prisma.organization.findUnique({ where: { slug } });
  }

  findById(id: string): Promise<OrganizationRecord | null> {
    return this.prisma.organization.findUnique({ where: { id } });
  }

  /** Creates the organization with its first owner; picks a free slug by suffixing. */
  async createWithOwner(
    data: { name: string; baseSlug: string; plan: string; seatLimit: number; allowedEmailDomains: string[] },
    ownerUserId: string,
  ): Promise<OrganizationRecord> {
    for (let attempt = 0; ; attempt++) {
      const slug = attempt === 0 ? data.baseSlug : `${data.baseSlug}-${attempt + 1}`;
      try {
        return await this.prisma.organization.create({
          data: {
            name: data.name,
            slug,
            plan: data.plan,
            seatLimit: data.seatLimit,
            allowedEmailDomains: data.allowedEmailDomains,
            memberships: { create: { userId: ownerUserId, role: 'owner' } },
          },
        });
      } catch (error) {
        const isSlugClash = error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
        if (!isSlugClash || attempt > 50) throw error;
      }
    }
  }

  listForUser(userId: string) {
    return this.prisma.membership.findMany({
      where: { userId },
      select: { role: true, organization: { select: { id: true, name: true, slug: true, plan: true } } },
      orderBy: { organization: { name: 'asc' } },
    });
  }
}
