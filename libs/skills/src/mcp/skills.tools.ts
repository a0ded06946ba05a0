import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, requiredReference, type Principal } from '@app/shared';
import { SkillsService } from '../application/skills.service.js';
import { MAX_CONTENT_LENGTH } from '../domain/config-object.js';
import { skillPermissions as can } from '../skills.permissions.js';
import { CatalogObjectRiskyChanges } from '../application/risky-changes.js';

const skillRef = {
  skill: requiredReference('Skill name or id'),
  skillId: legacyIdField('skill'),
};
const skillContent = z
  .string()
  .min(1)
  .max(MAX_CONTENT_LENGTH)
  .describe(
    'SKILL.md: front matter (name, description), then Markdown',
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

const listInput = z.object(pageInput);
const getInput = z.object({ ...skillRef, version: z.number().int().min(1).optional().describe('Omit for the latest') });
const createInput = z.object({ content: skillContent });
const updateInput = z.object({ ...skillRef, content: skillContent });
const deleteInput = z.object(skillRef);

@McpTools({ toolset: 'catalog' })
export class SkillsTools {
  constructor(private readonly skills: SkillsService) {}

  @McpTool({
    name: 'list_skills',
    description: 'Lists skills with their latest version, oldest first; get_skill has the text.',
    permission: can.list_skills,
    input: listInput,
    output: pageOutput(skillSummary),
    title: 'List skills',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.skills.list(principal, input);
  }

  @McpTool({
    name: 'get_skill',
    description: 'Returns one skill with the SKILL.md of its latest or a given version.',
    permission: can.get_skill,
    input: getInput,
    output: skillDetail,
    title: 'Get skill',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof getInput>) {
    return this.skills.get(principal, input);
  }

  @McpTool({
    name: 'create_skill',
    description: 'Creates a skill from SKILL.md text; share it with share_skill.',
    permission: can.create_skill,
    input: createInput,
    output: skillDetail,
    title: 'Create skill',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.skills.create(principal, input);
  }

  @McpTool({
    name: 'update_skill',
    description: 'Replaces a skill\'s SKILL.md as a new version; old versions stay readable.',
    permission: can.update_skill,
    input: updateInput,
    output: skillDetail,
    title: 'Update skill',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.skills.update(principal, input);
  }

  @McpTool({
    name: 'delete_skill',
    description: 'Deletes a skill with all versions, also from plugins. Cannot be undone.',
    permission: can.delete_skill,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete skill',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogObjectRiskyChanges).deleteSkill(principal, input),
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.skills.delete(principal, input);
  }
}
