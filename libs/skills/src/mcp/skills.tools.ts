import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { decodeCursor, pageInput, pageOutput, toPage, type Principal } from '@app/shared';
import { ConfigObjectsService, SKILL_KIND, type ConfigObjectWithVersion } from '../application/config-objects.service.js';
import { MAX_CONTENT_LENGTH } from '../domain/config-object.js';
import type { ConfigObjectRecord } from '../infrastructure/config-object.repository.js';
import { CatalogObjectRiskyChanges } from '../application/risky-changes.js';

const skillId = z.string().min(1).max(100).describe('The skill id (from list_skills or create_skill)');
const skillContent = z
  .string()
  .min(1)
  .max(MAX_CONTENT_LENGTH)
  .describe(
    'The whole SKILL.md text: YAML front matter between "---" lines with name (lowercase letters, digits, hyphens, at most 64) ' +
      'and description (at most 1024 characters, say what the skill does and when to use it), then the Markdown instructions.',
  );

const skillSummary = z.object({
  id: z.string(),
  name: z.string().describe('From the front matter; unique among the organization\'s skills'),
  description: z.string(),
  latestVersion: z.number().int().describe('Every update_skill adds a version'),
  createdByUserId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const skillDetail = skillSummary.extend({
  version: z.number().int().describe('The version whose content is returned'),
  content: z.string().describe('The SKILL.md text of that version'),
});

function summary(o: ConfigObjectRecord) {
  return {
    id: o.id,
    name: o.name,
    description: o.description,
    latestVersion: o.latestVersion,
    createdByUserId: o.createdByUserId,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
function detail({ object, version }: ConfigObjectWithVersion) {
  return { ...summary(object), version: version.version, content: version.content };
}

@McpTools()
export class SkillsTools {
  constructor(private readonly objects: ConfigObjectsService) {}

  @McpTool({
    name: 'list_skills',
    description: 'Lists the organization\'s skills (name, description, latest version), oldest first. Use get_skill for the SKILL.md text.',
    permission: 'catalog:read',
    input: z.object(pageInput),
    output: pageOutput(skillSummary),
    annotations: { title: 'List skills', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async listSkills(@CurrentPrincipal() principal: Principal, @ToolInput() input: { cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    return toPage(await this.objects.list(principal, SKILL_KIND, page), page, summary);
  }

  @McpTool({
    name: 'get_skill',
    description: 'Returns one skill with the SKILL.md text of its latest version, or of an earlier version when version is given.',
    permission: 'catalog:read',
    input: z.object({ skillId, version: z.number().int().min(1).optional().describe('A version number; omit for the latest') }),
    output: skillDetail,
    annotations: { title: 'Get a skill', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async getSkill(@CurrentPrincipal() principal: Principal, @ToolInput() input: { skillId: string; version?: number }) {
    return detail(await this.objects.get(principal, SKILL_KIND, input.skillId, input.version));
  }

  @McpTool({
    name: 'create_skill',
    description:
      'Creates a skill from SKILL.md text (validated: front matter name and description, then the body) and stores it as version 1. ' +
      'If a skill with that name exists the result is already_exists with its id: update it with update_skill instead. ' +
      'To share it with the organization afterwards, call share_skill.',
    permission: 'catalog:write',
    input: z.object({ content: skillContent }),
    output: skillDetail,
    annotations: { title: 'Create a skill', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async createSkill(@CurrentPrincipal() principal: Principal, @ToolInput() input: { content: string }) {
    return detail(await this.objects.create(principal, SKILL_KIND, { type: 'skill', content: input.content }));
  }

  @McpTool({
    name: 'update_skill',
    description:
      'Replaces a skill\'s SKILL.md text, stored as a new version (earlier versions stay readable with get_skill). ' +
      'The name and description follow the new front matter.',
    permission: 'catalog:write',
    input: z.object({ skillId, content: skillContent }),
    output: skillDetail,
    annotations: { title: 'Update a skill', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async updateSkill(@CurrentPrincipal() principal: Principal, @ToolInput() input: { skillId: string; content: string }) {
    return detail(await this.objects.update(principal, SKILL_KIND, input.skillId, { content: input.content }));
  }

  @McpTool({
    name: 'delete_skill',
    description: 'Deletes a skill with all its versions and removes it from every plugin that contains it. Cannot be undone.',
    permission: 'catalog:write',
    input: z.object({ skillId }),
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    annotations: { title: 'Delete a skill', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogObjectRiskyChanges).deleteSkill(principal, input),
  })
  async deleteSkill(@CurrentPrincipal() principal: Principal, @ToolInput() input: { skillId: string }) {
    const deleted = await this.objects.delete(principal, SKILL_KIND, input.skillId);
    return { deleted: true as const, id: deleted.id, name: deleted.name };
  }
}
