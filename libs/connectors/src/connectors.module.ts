import { Module } from '@nestjs/common';
import { ConnectorsService } from './application/connectors.service.js';
import { ConnectorRiskyChanges } from './application/risky-changes.js';
import { ConnectorRepository } from './infrastructure/connector.repository.js';
import { ConnectorsTools } from './mcp/connectors.tools.js';

const useCases = [ConnectorsService, ConnectorRiskyChanges];
const repositories = [ConnectorRepository];
const tools = [ConnectorsTools];

@Module({ controllers: tools, providers: [...useCases, ...repositories] })
export class ConnectorsModule {}
