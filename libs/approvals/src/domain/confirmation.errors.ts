import { DomainError } from '@app/shared';

// The outcomes of a risky call that did not run. All are tool errors with the usual envelope, never
// protocol errors, so an agent can read them and tell the person what to do.

export class ConfirmationRequiredError extends DomainError {
  constructor(summary: string, approvalUrl: string, approvalId: string, expiresAt: Date) {
    super(
      'precondition_failed',
      'confirmation_required',
      `This change needs the person's confirmation: ${summary}`,
      { summary, approvalUrl, approvalId, expiresAt: expiresAt.toISOString() },
      `Show the person this link and ask them to open it and press Approve or Reject: ${approvalUrl} . ` +
        'Once they have approved, call this tool again with the same arguments plus approvalId. The link works for 10 minutes, once.',
    );
  }
}

export class ConfirmationPendingError extends DomainError {
  constructor(approvalUrl: string, approvalId: string) {
    super(
      'precondition_failed',
      'confirmation_pending',
      'The person has not approved or rejected this change yet.',
      { approvalUrl, approvalId },
      `Wait until the person has pressed Approve at ${approvalUrl}, then call again with the same arguments and approvalId.`,
    );
  }
}

export class ConfirmationDeclinedError extends DomainError {
  constructor(summary: string) {
    super(
      'precondition_failed',
      'confirmation_declined',
      `The person declined this change; nothing was changed: ${summary}`,
      { summary },
      'Do not retry on your own. Ask the person what they want instead.',
    );
  }
}

export class ConfirmationExpiredError extends DomainError {
  constructor() {
    super(
      'precondition_failed',
      'confirmation_expired',
      'The confirmation for this change expired (confirmations last 10 minutes); nothing was changed.',
      {},
      'Call the tool again without approvalId or confirmation state to ask the person again.',
    );
  }
}

export class ConfirmationInvalidError extends DomainError {
  constructor(reason: string) {
    super(
      'precondition_failed',
      'confirmation_invalid',
      `The confirmation sent with this call does not confirm it (${reason}); nothing was changed.`,
      { reason },
      'A confirmation works once, for the same tool, arguments, person, organization and connection. Call again without it to ask the person again.',
    );
  }
}
