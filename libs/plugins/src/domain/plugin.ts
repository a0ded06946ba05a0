import { DomainError, InvalidInputError } from '@app/shared';

export const PLUGIN_NAME_PATTERN = /^[a-z0-9-]{1,64}$/;

// Plugin names become directory and install names in clients, hence the skill-like rule.
export function assertPluginName(name: string, field = 'name'): string {
  if (!PLUGIN_NAME_PATTERN.test(name)) {
    throw new InvalidInputError(`Invalid ${field}: a plugin name is 1-64 lowercase letters, digits or hyphens.`, [
      { path: field, message: 'must be 1-64 lowercase letters, digits or hyphens' },
    ], 'Use a name like "weekly-status-report".');
  }
  return name;
}

export class ComponentNotAttachedError extends DomainError {
  constructor(pluginId: string, configObjectId: string) {
    super(
      'not_found',
      'component_not_attached',
      `The config object ${configObjectId} is not a component of the plugin ${pluginId}.`,
      { pluginId, configObjectId },
      'Call get_plugin to see its components.',
    );
  }
}

export class PluginEditDeniedError extends DomainError {
  constructor(pluginId: string, role: string) {
    super(
      'permission_denied',
      'permission_denied',
      'Only the plugin\'s creator, people with an editor or manager grant on it, or someone with "marketplaces:manage" can change it.',
      { pluginId, role, requiredPermission: 'marketplaces:manage' },
      'Ask the plugin\'s creator or a manager to grant you editor access (grant_access), or ask an admin.',
    );
  }
}
