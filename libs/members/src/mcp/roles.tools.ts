import { z } from 'zod';
import { ALL_PERMISSIONS, CurrentPrincipal, McpTool, McpTools, PERMISSIONS, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { RolesService } from '../application/roles.service.js';
import { roleSchema } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const permissionList = z
  .array(z.string().min(1).max(64))
  .max(ALL_PERMISSIONS.length)
  .describe(`Permissions from the fixed list: ${ALL_PERMISSIONS.map((p) => `${p} (${PERMISSIONS[p].toLowerCase()})`).join('; ')}`);
const roleReference = z.string().min(1).max(64).describe('The custom role: its name, key or id (from list_roles)');

const createRoleInput = z.object({
  name: z.string().min(1).max(50).describe('Display name, unique in the organization, e.g. "Sales Lead"; the key is derived from it'),
  description: z.string().max(500).optional().describe('What the role is for'),
  permissions: permissionList,
});
const updateRoleInput = z.object({
  role: roleReference,
  name: z.string().min(1).max(50).optional().describe('New display name (the key stays the same)'),
  description: z.string().max(500).optional().describe('New description'),
  permissions: permissionList.optional().describe('The complete new permission list (replaces the old one)'),
});
const deleteRoleInput = z.object({ role: roleReference });

@McpTools()
export class RolesTools {
  constructor(private readonly roles: RolesService) {}

  @McpTool({
    name: 'list_roles',
    description: 'Lists the roles of the organization: the built-in owner, admin and member, then custom roles, each with its permissions and member count.',
    permission: can.list_roles,
    input: z.object({ ...pageInput }),
    output: pageOutput(roleSchema),
    annotations: { title: 'List roles', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: { cursor?: string; limit?: number }) {
    return this.roles.list(principal, input);
  }

  @McpTool({
    name: 'create_role',
    description:
      'Creates a custom role over the fixed permission list; assign it with update_member_role or invite_member using ' +
      'the returned key. You can only include permissions your own role has. Needs roles:manage.',
    permission: can.create_role,
    input: createRoleInput,
    output: roleSchema,
    annotations: { title: 'Create role', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createRoleInput>) {
    return this.roles.create(principal, input);
  }

  @McpTool({
    name: 'update_role',
    description: "Renames a custom role or replaces its description or permissions; members with the role get the new permissions at their next request. Built-in roles cannot be changed. Needs roles:manage.",
    permission: can.update_role,
    input: updateRoleInput,
    output: roleSchema,
    annotations: { title: 'Update role', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateRoleInput>) {
    return this.roles.update(principal, input);
  }

  @McpTool({
    name: 'delete_role',
    description: 'Deletes a custom role. Refused (role_in_use) while members or pending invitations use it: give them another role first. Needs roles:manage.',
    permission: can.delete_role,
    input: deleteRoleInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), key: z.string() }),
    annotations: { title: 'Delete role', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteRoleInput>) {
    return this.roles.delete(principal, input);
  }
}
