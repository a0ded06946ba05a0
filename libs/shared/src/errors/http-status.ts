import type { ErrorCategory } from './domain-error.js';

export function httpStatusFor(category: ErrorCategory): number {
  switch (category) {
    case 'invalid_input':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'permission_denied':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'precondition_failed':
      return 412;
    case 'limit_reached':
      return 422;
    case 'unavailable':
      return 503;
  }
}
