import { createHash } from 'node:crypto';

// Canonical JSON: object keys sorted at every depth, so the same arguments always give the same digest.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export interface ConfirmationBinding {
  tool: string;
  resolved: Record<string, unknown>;
  userId: string;
  orgId: string;
  grantId: string;
}

/** What a confirmation is bound to: the tool, its resolved arguments, the user, the organization and the grant. */
export function argumentsDigest(binding: ConfirmationBinding): string {
  const { tool, resolved, userId, orgId, grantId } = binding;
  return createHash('sha256').update(canonical({ tool, resolved, userId, orgId, grantId })).digest('base64url');
}
