// Every rule a caller can break is a DomainError with a stable code. The category decides how the
// HTTP and MCP edges present it; the code, details and hint tell an agent what to change.
export type ErrorCategory =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'permission_denied'
  | 'limit_reached'
  | 'precondition_failed'
  | 'unauthenticated'
  | 'unavailable';

export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
  hint: string | null;
}

export class DomainError extends Error {
  constructor(
    readonly category: ErrorCategory,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint };
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id: string, hint?: string) {
    super(
      'not_found',
      'not_found',
      `No ${resource} with id ${JSON.stringify(id)} exists in this organization.`,
      { resource, id },
      hint ?? `List the organization's ${resource}s to find a valid id.`,
    );
  }
}

export class AlreadyExistsError extends DomainError {
  constructor(resource: string, name: string, existingId: string) {
    super(
      'conflict',
      'already_exists',
      `A ${resource} named ${JSON.stringify(name)} already exists in this organization.`,
      { resource, name, existingId },
      `Use the existing ${resource} (id ${existingId}) instead of creating another, or choose a different name.`,
    );
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string, fields: { path: string; message: string }[], hint?: string) {
    super('invalid_input', 'invalid_input', message, { fields }, hint ?? 'Correct the named fields and call again.');
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(what: string) {
    super('unavailable', 'service_unavailable', `${what} is temporarily unavailable.`, {}, 'Retry in a few seconds.');
  }
}
