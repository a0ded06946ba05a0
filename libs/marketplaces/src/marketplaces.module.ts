import { Module } from '@nestjs/common';
import { PluginsModule } from '@app/plugins';
import { SkillsModule } from '@app/skills';
import { AccessGrantsService } from './application/access-grants.service.js';
import { MarketplacesService } from './application/marketplaces.service.js';
import { ShareSkillUseCase } from './application/share-skill.use-case.js';
import { CatalogRiskyChanges } from './application/risky-changes.js';
import { AccessGrantRepository } from './infrastructure/access-grant.repository.js';
import { MarketplaceRepository } from './infrastructure/marketplace.repository.js';
import { AccessGrantsTools } from './mcp/access-grants.tools.js';
import { MarketplacesTools } from './mcp/marketplaces.tools.js';
import { ShareSkillTools } from './mcp/share-skill.tools.js';

const useCases = [MarketplacesService, AccessGrantsService, ShareSkillUseCase, CatalogRiskyChanges];
const repositories = [MarketplaceRepository, AccessGrantRepository];
const tools = [MarketplacesTools, AccessGrantsTools, ShareSkillTools];

@Module({
  imports: [SkillsModule, PluginsModule],
  controllers: tools,
  providers: [...useCases, ...repositories],
})
export class MarketplacesModule {}
