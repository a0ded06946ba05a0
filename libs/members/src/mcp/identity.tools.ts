import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools } from '@app/access';
import type { Principal } from '@app/shared';
import { CurrentIdentityUseCase } from '../application/current-identity.use-case.js';
import { memberPermissions as can } from '../members.permissions.js';

const identityOutput = z.object({
  organization: z
    .object({ id: z.string(), name: z.string(), slug: z.string(), plan: z.string() })
    .describe('The organization this connection is authorized for'),
  account: z.object({ id: z.string(), email: z.string(), name: z.string() }).describe('The signed-in user'),
  role: z.string().describe('The user\'s role in the organization (owner, admin, member or a custom role key)'),
  permissions: z.array(z.string()).describe('What the role allows, e.g. members:invite'),
  grantedScopes: z.array(z.string()).describe('OAuth scopes of this connection: mcp:read for reading, mcp:write for changes'),
  client: z.object({ id: z.string(), name: z.string() }).describe('The MCP client this token was issued to'),
});

@McpTools({ toolset: 'everywhere' })
export class IdentityTools {
  constructor(private readonly currentIdentity: CurrentIdentityUseCase) {}

  @McpTool({
    name: 'get_current_identity',
    description: 'The organization, account, role, permissions and scopes of this connection. Call this first.',
    permission: can.get_current_identity,
    input: z.object({}),
    output: identityOutput,
    title: 'Who am I',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  getCurrentIdentity(@CurrentPrincipal() principal: Principal) {
    return this.currentIdentity.execute(principal);
  }
}
