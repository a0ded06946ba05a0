import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, referenceField, type Principal } from '@app/shared';
import { SkillsService } from '../application/skills.service.js';
import { MAX_CONTENT_LENGTH } from '../domain/config-object.js';
import { skillPermissions as can } from '../skills.permissions.js';

const skillRef = {
  skill: referenceField('The skill: its name (e.g. "weekly-report") or id; required unless skillId is given').optional(),
  skillId: legacyIdField('skill'),
};
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

const listInput = z.object(pageInput);
const getInput = z.object({ ...skillRef, version: z.number().int().min(1).optional().describe('A version number; omit for the latest') });
const createInput = z.object({ content: skillContent });
const updateInput = z.object({ ...skillRef, content: skillContent });
const deleteInput = z.object(skillRef);

@McpTools()
export class SkillsTools {
  constructor(private readonly skills: SkillsService) {}

  @McpTool({
    name: 'list_skills',
    description: 'Lists the organization\'s skills (name, description, latest version), oldest first. Use get_skill for the SKILL.md text.',
    permission: can.list_skills,
    input: listInput,
    output: pageOutput(skillSummary),
    annotations: { title: 'List skills', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.skills.list(principal, input);
  }

  @McpTool({
    name: 'get_skill',
    description: 'Returns one skill with the SKILL.md text of its latest version, or of an earlier version when version is given.',
    permission: can.get_skill,
    input: getInput,
    output: skillDetail,
    annotations: { title: 'Get a skill', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof getInput>) {
    return this.skills.get(principal, input);
  }

  @McpTool({
    name: 'create_skill',
    description:
      'Creates a skill from SKILL.md text (validated: front matter name and description, then the body) and stores it as version 1. ' +
      'If a skill with that name exists the result is already_exists with its id: update it with update_skill instead. ' +
      'To share it with the organization afterwards, call share_skill.',
    permission: can.create_skill,
    input: createInput,
    output: skillDetail,
    annotations: { title: 'Create a skill', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.skills.create(principal, input);
  }

  @McpTool({
    name: 'update_skill',
    description:
      'Replaces a skill\'s SKILL.md text, stored as a new version (earlier versions stay readable with get_skill). ' +
      'The name and description follow the new front matter.',
    permission: can.update_skill,
    input: updateInput,
    output: skillDetail,
    annotations: { title: 'Update a skill', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.skills.update(principal, input);
  }

  @McpTool({
    name: 'delete_skill',
    description: 'Deletes a skill with all its versions and removes it from every plugin that contains it. Cannot be undone.',
    permission: can.delete_skill,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    annotations: { title: 'Delete a skill', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.skills.delete(principal, input);
  }
}
