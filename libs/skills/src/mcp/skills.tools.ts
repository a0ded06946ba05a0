import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { decodeCursor, pageInput, pageOutput, toPage, type Principal } from '@app/shared';
import { ConfigObjectsService, SKILL_KIND, type ConfigObjectWithVersion } from '../application/config-objects.service.js';
import { MAX_CONTENT_LENGTH } from '../domain/config-object.js';
import type { ConfigObjectRecord } from '../infrastructure/config-object.repository.js';
import { CatalogObjectRiskyChanges } from '../application/risky-changes.js';

const skillId = z.string().min(1).max(100).describe('Skill id (from list_skills)');
const skillContent = z
  .string()
  .min(1)
  .max(MAX_CONTENT_LENGTH)
  .describe(
    'The whole SKILL.md: front matter ("---" lines) with name (lowercase, digits, hyphens) and description (what it does, ' +
      'when to use it), then Markdown instructions',
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

@McpTools({ toolset: 'catalog' })
export class SkillsTools {
  constructor(private readonly objects: ConfigObjectsService) {}

  @McpTool({
    name: 'list_skills',
    description: 'Lists the organization\'s skills (name, description, latest version), oldest first. Use get_skill for the SKILL.md text.',
    permission: 'catalog:read',
    input: z.object(pageInput),
    output: pageOutput(skillSummary),
    title: 'List skills',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
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
    title: 'Get a skill',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async getSkill(@CurrentPrincipal() principal: Principal, @ToolInput() input: { skillId: string; version?: number }) {
    return detail(await this.objects.get(principal, SKILL_KIND, input.skillId, input.version));
  }

  @McpTool({
    name: 'create_skill',
    description: 'Creates a skill from SKILL.md text (front matter name and description, then the body) as version 1. An existing name gives already_exists with its id; share it with share_skill.',
    permission: 'catalog:write',
    input: z.object({ content: skillContent }),
    output: skillDetail,
    title: 'Create a skill',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async createSkill(@CurrentPrincipal() principal: Principal, @ToolInput() input: { content: string }) {
    return detail(await this.objects.create(principal, SKILL_KIND, { type: 'skill', content: input.content }));
  }

  @McpTool({
    name: 'update_skill',
    description: 'Replaces a skill\'s SKILL.md text as a new version (earlier versions stay readable with get_skill).',
    permission: 'catalog:write',
    input: z.object({ skillId, content: skillContent }),
    output: skillDetail,
    title: 'Update a skill',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
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
    title: 'Delete a skill',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogObjectRiskyChanges).deleteSkill(principal, input),
  })
  async deleteSkill(@CurrentPrincipal() principal: Principal, @ToolInput() input: { skillId: string }) {
    const deleted = await this.objects.delete(principal, SKILL_KIND, input.skillId);
    return { deleted: true as const, id: deleted.id, name: deleted.name };
  }
}
