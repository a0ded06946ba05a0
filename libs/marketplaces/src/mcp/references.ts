import { legacyIdField, referenceField, requiredReference } from '@app/shared';

export const marketplaceRef = {
  marketplace: requiredReference('Marketplace name or id'),
  marketplaceId: legacyIdField('marketplace'),
};
/** A marketplace that narrows or picks where something goes; omitted, the tool says what it uses. */
export const optionalMarketplaceRef = {
  marketplace: referenceField('Marketplace name or id').optional(),
  marketplaceId: legacyIdField('marketplace'),
};
export const pluginRef = {
  plugin: requiredReference('Plugin name or id'),
  pluginId: legacyIdField('plugin'),
};
