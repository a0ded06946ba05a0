import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import type { Principal } from '@app/shared';
import { PluginsService } from './plugins.service.js';

/** Removing a plugin or one of its components takes it away from everyone who installs the plugin. */
@Injectable()
export class PluginRiskyChanges {
  constructor(private readonly plugins: PluginsService) {}

  async deletePlugin(principal: Principal, input: { pluginId: string }): Promise<RiskyChange> {
    const plugin = await this.plugins.require(principal.orgId, input.pluginId);
    return {
      summary: `Delete the plugin "${plugin.name}" from ${principal.organization.name}: it leaves every marketplace it is published in and its access grants go.`,
      resolved: { pluginId: plugin.id },
    };
  }

  async removeComponent(principal: Principal, input: { pluginId: string; configObjectId: string }): Promise<RiskyChange> {
    const plugin = await this.plugins.require(principal.orgId, input.pluginId);
    return {
      summary: `Remove the component ${input.configObjectId} from the plugin "${plugin.name}": everyone who installs the plugin stops getting it.`,
      resolved: { pluginId: plugin.id, configObjectId: input.configObjectId },
    };
  }
}
