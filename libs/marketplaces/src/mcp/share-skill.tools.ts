import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { ShareSkillUseCase } from '../application/share-skill.use-case.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';
import { legacyIdField, requiredReference, type Principal } from '@app/shared';
import { optionalMarketplaceRef } from './references.js';
import { CatalogRiskyChanges } from '../application/risky-changes.js';

const shareInput = z.object({
  skill: requiredReference('Skill name or id'),
  skillId: legacyIdField('skill'),
  ...optionalMarketplaceRef,
});

@McpTools({ toolset: 'catalog' })
export class ShareSkillTools {
  constructor(private readonly shareSkill: ShareSkillUseCase) {}

  @McpTool({
    name: 'share_skill',
    description: 'Shares a skill with everyone in one step: plugin, listing and viewer access.',
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
    title: 'Share skill with everyone',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogRiskyChanges).shareSkill(principal, input),
  })
  share(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof shareInput>) {
    return this.shareSkill.execute(principal, input);
  }
}
