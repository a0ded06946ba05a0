import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import type { Principal } from '@app/shared';
import { CONFIG_OBJECT_KIND, ConfigObjectsService, SKILL_KIND, type ObjectKind } from './config-objects.service.js';

/** Deleting a skill or config object removes every version and takes it out of the plugins that carry it. */
@Injectable()
export class CatalogObjectRiskyChanges {
  constructor(private readonly objects: ConfigObjectsService) {}

  deleteSkill(principal: Principal, input: { skillId: string }): Promise<RiskyChange> {
    return this.describeDeletion(principal, SKILL_KIND, input.skillId, 'skillId');
  }

  deleteConfigObject(principal: Principal, input: { configObjectId: string }): Promise<RiskyChange> {
    return this.describeDeletion(principal, CONFIG_OBJECT_KIND, input.configObjectId, 'configObjectId');
  }

  private async describeDeletion(principal: Principal, kind: ObjectKind, id: string, field: string): Promise<RiskyChange> {
    const object = await this.objects.findForOrg(principal.orgId, id, kind);
    return {
      summary:
        `Delete the ${object.type === 'skill' ? 'skill' : `${object.type} config object`} "${object.name}" from ${principal.organization.name}: ` +
        `all ${object.latestVersion} version(s) go, and plugins that include it stop carrying it.`,
      resolved: { [field]: object.id },
    };
  }
}
