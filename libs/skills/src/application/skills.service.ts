import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { decodeCursor, pickReference, toPage, type Page, type Principal } from '@app/shared';
import type { ConfigObjectRecord } from '../infrastructure/config-object.repository.js';
import { skillPermissions as can } from '../skills.permissions.js';
import { configObjectSummary, ConfigObjectsService, SKILL_KIND, type ConfigObjectSummary, type ConfigObjectWithVersion } from './config-objects.service.js';

export type SkillSummary = Omit<ConfigObjectSummary, 'type'>;

export interface SkillDetail extends SkillSummary {
  version: number;
  content: string;
}

// A skill is a config object of type skill: its summary is theirs without the type.
function summaryView(o: ConfigObjectRecord): SkillSummary {
  const { type, ...summary } = configObjectSummary(o);
  return summary;
}

function detailView({ object, version }: ConfigObjectWithVersion): SkillDetail {
  return { ...summaryView(object), version: version.version, content: version.content };
}

type SkillInput = { skill?: string; skillId?: string };

function skillReference(input: SkillInput) {
  return { reference: pickReference(input, 'skill', 'skillId') };
}

/** The skill use cases: config objects of type skill, named and described by their SKILL.md. */
@Injectable()
export class SkillsService {
  constructor(private readonly store: ConfigObjectsService) {}

  async list(principal: Principal, input: { cursor?: string; limit?: number }): Promise<Page<SkillSummary>> {
    assertPermission(principal, can.list_skills);
    const page = decodeCursor(input);
    return toPage(await this.store.listOf(principal, SKILL_KIND, page), page, summaryView);
  }

  async get(principal: Principal, input: SkillInput & { version?: number }): Promise<SkillDetail> {
    assertPermission(principal, can.get_skill);
    return detailView(await this.store.getOf(principal, SKILL_KIND, skillReference(input), input.version));
  }

  /** The latest SKILL.md of the organization's skill with this exact name (for `skill://<name>`). */
  async getByName(principal: Principal, name: string): Promise<SkillDetail> {
    assertPermission(principal, can.get_skill);
    return detailView(await this.store.getByNameOf(principal, SKILL_KIND, name));
  }

  async create(principal: Principal, input: { content: string }): Promise<SkillDetail> {
    assertPermission(principal, can.create_skill);
    return detailView(await this.store.createOf(principal, SKILL_KIND, { type: 'skill', content: input.content }));
  }

  async update(principal: Principal, input: SkillInput & { content: string }): Promise<SkillDetail> {
    assertPermission(principal, can.update_skill);
    return detailView(await this.store.updateOf(principal, SKILL_KIND, skillReference(input), { content: input.content }));
  }

  async delete(principal: Principal, input: SkillInput): Promise<{ deleted: true; id: string; name: string }> {
    assertPermission(principal, can.delete_skill);
    const deleted = await this.store.deleteOf(principal, SKILL_KIND, skillReference(input));
    return { deleted: true, id: deleted.id, name: deleted.name };
  }
}
