import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const providerPermissions = {
  list_llm_providers: 'providers:read',
  get_llm_provider: 'providers:read',
  create_llm_provider: 'providers:manage',
  update_llm_provider: 'providers:manage',
  delete_llm_provider: 'providers:manage',
} as const satisfies Record<string, Permission>;
