import { Module } from '@nestjs/common';
import { ConfigObjectsService } from './application/config-objects.service.js';
import { CatalogObjectRiskyChanges } from './application/risky-changes.js';
import { SkillsService } from './application/skills.service.js';
import { ConfigObjectRepository } from './infrastructure/config-object.repository.js';
import { ConfigObjectsTools } from './mcp/config-objects.tools.js';
import { SkillResources } from './mcp/skill-resources.js';
import { SkillsTools } from './mcp/skills.tools.js';

const useCases = [SkillsService, ConfigObjectsService, SkillResources, CatalogObjectRiskyChanges];
const repositories = [ConfigObjectRepository];
const tools = [SkillsTools, ConfigObjectsTools];

// Skills and the generic config objects: one versioned store (a skill is a config object of type skill).
@Module({
  controllers: tools,
  providers: [...useCases, ...repositories],
  exports: [ConfigObjectsService, SkillResources],
})
export class SkillsModule {}
