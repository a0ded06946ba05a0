import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { ShareSkillUseCase } from '../application/share-skill.use-case.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';
import { legacyIdField, referenceField, type Principal } from '@app/shared';
import { marketplaceRef } from './references.js';

const shareInput = z.object({
  skill: referenceField('The skill to share: its name (e.g. "weekly-report") or id; required unless skillId is given').optional(),
  skillId: legacyIdField('skill'),
  ...marketplaceRef,
});

@McpTools()
export class ShareSkillTools {
  constructor(private readonly shareSkill: ShareSkillUseCase) {}

  @McpTool({
    name: 'share_skill',
    description:
      'Shares a skill with the whole organization in one step: creates (or reuses) a plugin named after the skill, attaches the skill, ' +
      'publishes the plugin in the given marketplace (default: the organization\'s first marketplace, created if there is none) and ' +
      'grants everyone viewer access. Safe to repeat: nothing is created twice, and the result says what already existed.',
    permission: can.share_skill,
    input: shareInput,
    output: z.object({
      skill: z.object({ id: z.string(), name: z.string() }),
      plugin: z.object({ id: z.string(), name: z.string(), created: z.boolean() }),
      marketplace: z.object({ id: z.string(), name: z.string(), created: z.boolean() }),
      componentAdded: z.boolean(),
      published: z.boolean().describe('true when this call published it; false when it already was'),
      grant: z.object({ id: z.string(), role: z.string(), created: z.boolean() }),
      alreadyExisted: z.array(z.string()).describe('The steps that were already done before this call'),
      summary: z.string(),
    }),
    annotations: { title: 'Share a skill with the organization', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  share(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof shareInput>) {
    return this.shareSkill.execute(principal, input);
  }
}
