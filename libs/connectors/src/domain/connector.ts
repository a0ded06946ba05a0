import { InvalidInputError } from '@app/shared';

export const CONNECTOR_TYPE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,49}$/;
// Config is returned by every read; anything that looks like a secret belongs in `credentials`.
const SECRET_LOOKING_KEY = /(secret|token|password|passwd|api[-_]?key|credential|private[-_]?key)/i;

export function assertConnectorType(type: string, field = 'type'): string {
  if (!CONNECTOR_TYPE_PATTERN.test(type)) {
    throw new InvalidInputError(`Invalid ${field}: use lowercase letters, digits, "_" or "-" (e.g. github, slack, google_drive).`, [
      { path: field, message: 'must be 1-50 lowercase letters, digits, "_" or "-"' },
    ]);
  }
  return type;
}

export function assertNoSecretsInConfig(config: Record<string, unknown>, field = 'config'): void {
  const offending = Object.keys(config).filter((key) => SECRET_LOOKING_KEY.test(key));
  if (offending.length > 0) {
    throw new InvalidInputError(
      `Invalid ${field}: ${offending.map((k) => `"${k}"`).join(', ')} looks like a secret, and config is readable by every member.`,
      offending.map((key) => ({ path: `${field}.${key}`, message: 'looks like a secret; pass it as credentials instead' })),
      'Put tokens, passwords and API keys in the write-only credentials field; keep config for non-secret settings.',
    );
  }
}
