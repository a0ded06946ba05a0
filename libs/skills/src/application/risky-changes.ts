import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import { pickReference, type Principal } from '@app/shared';
import type { ConfigObjectType } from '../domain/config-object.js';
import { CONFIG_OBJECT_KIND, ConfigObjectsService, SKILL_KIND, type ObjectKind, type ObjectReference } from './config-objects.service.js';

/** Deleting a skill or config object removes every version and takes it out of the plugins that carry it. */
@Injectable()
export class CatalogObjectRiskyChanges {
  constructor(private readonly objects: ConfigObjectsService) {}

  deleteSkill(principal: Principal, input: { skill?: string; skillId?: string }): Promise<RiskyChange> {
    return this.describeDeletion(principal, SKILL_KIND, { reference: pickReference(input, 'skill', 'skillId') }, 'skillId');
  }

  deleteConfigObject(principal: Principal, input: { configObject?: string; configObjectId?: string; type?: ConfigObjectType }): Promise<RiskyChange> {
    return this.describeDeletion(principal, CONFIG_OBJECT_KIND, { reference: pickReference(input, 'configObject', 'configObjectId'), type: input.type }, 'configObjectId');
  }

  private async describeDeletion(principal: Principal, kind: ObjectKind, ref: ObjectReference, field: string): Promise<RiskyChange> {
    const object = await this.objects.findForOrg(principal.orgId, ref, kind);
    return {
      summary:
        `Delete the ${object.type === 'skill' ? 'skill' : `${object.type} config object`} "${object.name}" from ${principal.organization.name}: ` +
        `all ${object.latestVersion} version(s) go, and plugins that include it stop carrying it.`,
      resolved: { [field]: object.id },
    };
  }
}
