import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import type { Principal } from '@app/shared';
import { ConnectorsService } from './connectors.service.js';

/** Deleting a connector removes its configuration and stored credentials for good. */
@Injectable()
export class ConnectorRiskyChanges {
  constructor(private readonly connectors: ConnectorsService) {}

  async deleteConnector(principal: Principal, input: { connector?: string; connectorId?: string }): Promise<RiskyChange> {
    const connector = await this.connectors.get(principal, input);
    return {
      summary: `Delete the ${connector.type} connector "${connector.name}" from ${principal.organization.name}, with its configuration and stored credentials.`,
      resolved: { connectorId: connector.id },
    };
  }
}
