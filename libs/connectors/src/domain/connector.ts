import { InvalidInputError, jsonEntries } from '@app/shared';

export const CONNECTOR_TYPE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,49}$/;
// Config is returned by every read; anything that looks like a secret belongs in `credentials`. Keys
// are compared folded (NFKC, lower case, separators and invisible characters dropped), so api_key,
// apiKey, API-KEY and "api key" are one spelling.
const SECRET_LOOKING_KEY = /secret|token|passw(or)?d|passphrase|apikey|credential|privatekey|accesskey|signingkey|bearer|cookie|sessionid/;

export function looksLikeSecretKey(key: string): boolean {
  const folded = key.normalize('NFKC').toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_LOOKING_KEY.test(folded) || /^(pwd|pass|auth|authorization|key)$/.test(folded);
}

export function assertConnectorType(type: string, field = 'type'): string {
  if (!CONNECTOR_TYPE_PATTERN.test(type)) {
    throw new InvalidInputError(`Invalid ${field}: use lowercase letters, digits, "_" or "-" (e.g. github, slack, google_drive).`, [
      { path: field, message: 'must be 1-50 lowercase letters, digits, "_" or "-"' },
    ]);
  }
  return type;
}

/** Refuses secret-looking keys at every depth of the config, objects inside arrays included. */
export function assertNoSecretsInConfig(config: Record<string, unknown>, field = 'config'): void {
  const offending: string[] = [];
  for (const entry of jsonEntries(config)) {
    if (looksLikeSecretKey(entry.key)) offending.push(entry.path);
    if (offending.length >= 20) break;
  }
  if (offending.length > 0) {
    throw new InvalidInputError(
      `Invalid ${field}: ${offending.map((p) => `"${p.slice(0, 200)}"`).join(', ')} looks like a secret, and config is readable by every member.`,
      offending.map((path) => ({ path: `${field}.${path.slice(0, 200)}`, message: 'looks like a secret; pass it as credentials instead' })),
      'Put tokens, passwords and API keys in the write-only credentials field; keep config for non-secret settings, at every level of nesting.',
    );
  }
}
