import { legacyIdField, referenceField } from '@app/shared';

export const marketplaceRef = {
  marketplace: referenceField('The marketplace: its name (e.g. "Engineering") or id').optional(),
  marketplaceId: legacyIdField('marketplace'),
};
export const pluginRef = {
  plugin: referenceField('The plugin: its name (e.g. "weekly-report") or id; required unless pluginId is given').optional(),
  pluginId: legacyIdField('plugin'),
};
