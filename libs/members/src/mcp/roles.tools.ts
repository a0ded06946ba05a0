import { z } from 'zod';
import { ALL_PERMISSIONS, CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { RolesService } from '../application/roles.service.js';
import { MemberRiskyChanges } from '../application/risky-changes.js';
import { roleSchema } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const permissionList = z
  .array(z.string().min(1).max(64))
  .max(ALL_PERMISSIONS.length)
  .describe('Permission names (list_roles shows them)');
const roleReference = z.string().min(1).max(64).describe('Custom role name, key or id');

const createRoleInput = z.object({
  name: z.string().min(1).max(50).describe('Unique display name; the key derives from it'),
  description: z.string().max(500).optional().describe('What the role is for'),
  permissions: permissionList,
});
const updateRoleInput = z.object({
  role: roleReference,
  name: z.string().min(1).max(50).optional().describe('New name (the key stays)'),
  description: z.string().max(500).optional().describe('New description'),
  permissions: permissionList.optional().describe('The whole new permission list'),
});
const deleteRoleInput = z.object({ role: roleReference });

@McpTools({ toolset: 'people' })
export class RolesTools {
  constructor(private readonly roles: RolesService) {}

  @McpTool({
    name: 'list_roles',
    description: 'Lists built-in and custom roles with their permissions and member counts.',
    permission: can.list_roles,
    input: z.object({ ...pageInput }),
    output: pageOutput(roleSchema),
    title: 'List roles',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: { cursor?: string; limit?: number }) {
    return this.roles.list(principal, input);
  }

  @McpTool({
    name: 'create_role',
    description: 'Creates a custom role from the permission list (at most your own permissions).',
    permission: can.create_role,
    input: createRoleInput,
    output: roleSchema,
    title: 'Create role',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).createRole(principal, input),
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createRoleInput>) {
    return this.roles.create(principal, input);
  }

  @McpTool({
    name: 'update_role',
    description: 'Renames a custom role or replaces its description or permissions. Built-in roles are fixed.',
    permission: can.update_role,
    input: updateRoleInput,
    output: roleSchema,
    title: 'Update role',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).updateRole(principal, input),
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateRoleInput>) {
    return this.roles.update(principal, input);
  }

  @McpTool({
    name: 'delete_role',
    description: 'Deletes a custom role; refused while members or pending invitations have it.',
    permission: can.delete_role,
    input: deleteRoleInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), key: z.string() }),
    title: 'Delete role',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).deleteRole(principal, input),
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteRoleInput>) {
    return this.roles.delete(principal, input);
  }
}
