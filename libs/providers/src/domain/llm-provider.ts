import { InvalidInputError } from '@app/shared';

export const PROVIDER_KINDS = ['openai', 'anthropic', 'azure_openai', 'google', 'mistral', 'groq', 'openrouter', 'ollama', 'openai_compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
// These have no public default endpoint, so a provider of that kind is useless without one.
const NEEDS_BASE_URL: readonly ProviderKind[] = ['azure_openai', 'ollama', 'openai_compatible'];

export function normalizeBaseUrl(kind: ProviderKind, baseUrl: string | null | undefined, field = 'baseUrl'): string | null {
  if (!baseUrl) {
    if (NEEDS_BASE_URL.includes(kind)) {
      throw new InvalidInputError(`Invalid ${field}: a ${kind} provider needs a base URL.`, [{ path: field, message: `required for kind ${kind}` }], 'Pass the endpoint, e.g. https://my-resource.openai.azure.com.');
    }
    return null;
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InvalidInputError(`Invalid ${field}: not a URL.`, [{ path: field, message: 'must be an http(s) URL' }]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidInputError(`Invalid ${field}: only http and https are allowed.`, [{ path: field, message: 'must be an http(s) URL' }]);
  }
  // Credentials in a URL would be returned by every read; they go in apiKey.
  if (url.username || url.password) {
    throw new InvalidInputError(`Invalid ${field}: the URL must not contain a user name or password.`, [{ path: field, message: 'must not contain credentials' }], 'Pass the key as apiKey (write-only).');
  }
  return url.toString().replace(/\/$/, '');
}

export function normalizeModels(models: string[], field = 'models'): string[] {
  const cleaned = [...new Set(models.map((m) => m.trim()))];
  const bad = cleaned.findIndex((m) => m.length === 0 || m.length > 200);
  if (bad >= 0) throw new InvalidInputError(`Invalid ${field}: model names are 1-200 characters.`, [{ path: `${field}.${bad}`, message: 'must be 1-200 characters' }]);
  return cleaned;
}
