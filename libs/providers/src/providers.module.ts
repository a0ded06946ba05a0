import { Module } from '@nestjs/common';
import { LlmProvidersService } from './application/llm-providers.service.js';
import { ProviderRiskyChanges } from './application/risky-changes.js';
import { LlmProviderRepository } from './infrastructure/llm-provider.repository.js';
import { LlmProvidersTools } from './mcp/llm-providers.tools.js';

const useCases = [LlmProvidersService, ProviderRiskyChanges];
const repositories = [LlmProviderRepository];
const tools = [LlmProvidersTools];

@Module({ controllers: tools, providers: [...useCases, ...repositories] })
export class ProvidersModule {}
