import { Module } from '@nestjs/common';
import { SkillsModule } from '@app/skills';
import { PluginsService } from './application/plugins.service.js';
import { PluginRiskyChanges } from './application/risky-changes.js';
import { PluginRepository } from './infrastructure/plugin.repository.js';
import { PluginsTools } from './mcp/plugins.tools.js';

const useCases = [PluginsService, PluginRiskyChanges];
const repositories = [PluginRepository];
const tools = [PluginsTools];

@Module({
  imports: [SkillsModule],
  controllers: tools,
  providers: [...useCases, ...repositories],
  exports: [PluginsService],
})
export class PluginsModule {}
