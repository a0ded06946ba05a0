import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import { pickReference, type Principal } from '@app/shared';
import type { ConfigObjectType } from '@app/skills';
import { PluginsService } from './plugins.service.js';

/** Removing a plugin or one of its components takes it away from everyone who installs the plugin. */
@Injectable()
export class PluginRiskyChanges {
  constructor(private readonly plugins: PluginsService) {}

  async deletePlugin(principal: Principal, input: { plugin?: string; pluginId?: string }): Promise<RiskyChange> {
    const plugin = await this.plugins.require(principal.orgId, pickReference(input, 'plugin', 'pluginId'));
    return {
      summary: `Delete the plugin "${plugin.name}" from ${principal.organization.name}: it leaves every marketplace it is published in and its access grants go.`,
      resolved: { pluginId: plugin.id },
    };
  }

  async removeComponent(
    principal: Principal,
    input: { plugin?: string; pluginId?: string; configObject?: string; configObjectId?: string; type?: ConfigObjectType },
  ): Promise<RiskyChange> {
    // One after the other: a lookup started and abandoned when the other reference is missing would reject unobserved.
    const plugin = await this.plugins.require(principal.orgId, pickReference(input, 'plugin', 'pluginId'));
    const component = await this.plugins.componentOf(principal.orgId, input);
    return {
      summary: `Remove the ${component.type} "${component.name}" from the plugin "${plugin.name}": everyone who installs the plugin stops getting it.`,
      resolved: { pluginId: plugin.id, configObjectId: component.id },
    };
  }
}
