import { Module } from '@nestjs/common';
import { LlmProvidersService } from './application/llm-providers.service.js';
import { LlmProviderRepository } from './infrastructure/llm-provider.repository.js';
import { LlmProvidersTools } from './mcp/llm-providers.tools.js';

const useCases = [LlmProvidersService];
const repositories = [LlmProviderRepository];
const tools = [LlmProvidersTools];

@Module({ controllers: tools, providers: [...useCases, ...repositories] })
export class ProvidersModule {}
