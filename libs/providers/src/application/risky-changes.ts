import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import type { Principal } from '@app/shared';
import { LlmProvidersService } from './llm-providers.service.js';

/** Deleting an LLM provider removes its settings and stored API key for good. */
@Injectable()
export class ProviderRiskyChanges {
  constructor(private readonly providers: LlmProvidersService) {}

  async deleteProvider(principal: Principal, input: { provider?: string; providerId?: string }): Promise<RiskyChange> {
    const provider = await this.providers.get(principal, input);
    return {
      summary: `Delete the ${provider.kind} LLM provider "${provider.name}" from ${principal.organization.name}, with its models list and stored API key.`,
      resolved: { providerId: provider.id },
    };
  }
}
