import { Injectable } from '@nestjs/common';
import type { Principal } from '@app/shared';
import { SkillsService } from '../application/skills.service.js';

export const SKILL_URI_TEMPLATE = 'skill://{name}';
export const SKILL_MIME_TYPE = 'text/markdown';
const SKILL_URI = /^skill:\/\/([a-z0-9-]{1,64})$/;
const RESOURCES_PER_PAGE = 50;

export interface SkillResource {
  uri: string;
  name: string;
  title: string;
  description: string;
  mimeType: string;
}

/**
 * Skills as MCP resources: `skill://<name>`, the SKILL.md text of the latest version. The same service
 * and permission (catalog:read) as list_skills and get_skill, in the caller's organization only.
 */
@Injectable()
export class SkillResources {
  constructor(private readonly skills: SkillsService) {}

  /** The skill name a `skill://` URI names, or undefined when it is not one. */
  static nameOf(uri: string): string | undefined {
    return SKILL_URI.exec(uri)?.[1];
  }

  async list(principal: Principal, cursor?: string): Promise<{ resources: SkillResource[]; nextCursor?: string }> {
    const { items, nextCursor } = await this.skills.list(principal, { cursor, limit: RESOURCES_PER_PAGE });
    const resources = items.map((skill) => ({
      uri: `skill://${skill.name}`,
      name: skill.name,
      title: `Skill ${skill.name}`,
      description: skill.description,
      mimeType: SKILL_MIME_TYPE,
    }));
    return { resources, ...(nextCursor && { nextCursor }) };
  }

  /** The SKILL.md of `skill://<name>`; a URI that names no skill of the caller's organization is not found. */
  async read(principal: Principal, uri: string, name: string) {
    const skill = await this.skills.getByName(principal, name);
    return { contents: [{ uri, mimeType: SKILL_MIME_TYPE, text: skill.content }] };
  }

  /** Skill names for completion (the first 200 of the catalog). */
  async names(principal: Principal): Promise<string[]> {
    const { items } = await this.skills.list(principal, { limit: 200 });
    return items.map((skill) => skill.name);
  }
}
