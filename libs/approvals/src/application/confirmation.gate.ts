import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { inputRequired, inputResponse, UrlElicitationRequiredError } from '@modelcontextprotocol/server';
import type { ConfirmationOutcome, ConfirmationStep, ConfirmingClient, RiskyCall } from '@app/access';
import { AppConfig, AuditLog, Clock, type ApprovalEvidence, type Principal } from '@app/shared';
import { argumentsDigest } from '../domain/arguments-digest.js';
import {
  ConfirmationDeclinedError,
  ConfirmationExpiredError,
  ConfirmationInvalidError,
  ConfirmationPendingError,
  ConfirmationRequiredError,
} from '../domain/confirmation.errors.js';
import { ApprovalRepository, type ApprovalRecord } from '../infrastructure/approval.repository.js';
import { RequestStateSeal, type RequestStatePayload } from './request-state.seal.js';

export const APPROVAL_TTL_MS = 10 * 60 * 1000;
const CONFIRM_KEY = 'confirm';

// Form elicitation may be declared as `elicitation: {}` (form only, for backwards compatibility) or `{ form: {} }`.
function supportsForm(client: ConfirmingClient): boolean {
  const elicitation = client.capabilities?.elicitation as Record<string, unknown> | undefined;
  return client.era === 'modern' && !!elicitation && (elicitation.form !== undefined || elicitation.url === undefined);
}

function supportsUrl(client: ConfirmingClient): boolean {
  const elicitation = client.capabilities?.elicitation as Record<string, unknown> | undefined;
  return client.era === 'modern' && !!elicitation && elicitation.url !== undefined;
}

// A 2025-revision client whose session declared URL elicitation: it takes the approval page as error -32042.
function takesUrlError(client: ConfirmingClient): boolean {
  const elicitation = client.capabilities?.elicitation as Record<string, unknown> | undefined;
  return client.era === 'legacy' && !!elicitation && elicitation.url !== undefined;
}

const urlMessage = (summary: string) => `${summary}\n\nOpen the page to approve or reject this change.`;

// The same question on every revision: one boolean, under the summary the risk assessment wrote.
function confirmForm(summary: string) {
  return {
    message: `${summary}\n\nConfirm this change?`,
    requestedSchema: {
      type: 'object' as const,
      properties: { confirm: { type: 'boolean' as const, title: 'Confirm', description: 'Yes, make this change' } },
      required: ['confirm'],
    },
  };
}

/**
 * Puts the person between an agent and a risky change. Clients on 2026-07-28 that declare form elicitation
 * get an `input_required` form with an HMAC-sealed, single-use requestState; 2025-revision clients whose
 * session declared form elicitation are asked the same form by an `elicitation/create` request on the
 * call's own stream. Everyone else (and any change only the browser may confirm) gets an approval page,
 * offered as URL elicitation where declared (`input_required` on 2026-07-28, error -32042 on 2025
 * revisions) and otherwise as the `confirmation_required` error. Every confirmation is bound to the tool,
 * the resolved arguments, the user, the organization and the grant.
 */
@Injectable()
export class ConfirmationGate implements ConfirmationStep {
  constructor(
    private readonly approvals: ApprovalRepository,
    private readonly seal: RequestStateSeal,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async confirm(call: RiskyCall): Promise<ConfirmationOutcome> {
    const { principal, change } = call;
    const digest = argumentsDigest({ tool: call.tool, resolved: change.resolved, userId: principal.userId, orgId: principal.orgId, grantId: principal.grantId });

    if (!change.browserOnly && (await this.approvals.confirmationPolicy(principal.orgId)) === 'never') {
      return this.proceed(principal, 'policy-off');
    }
    if (call.approvalId !== undefined) return this.redeemApproval(call, call.approvalId, digest);
    if (call.client.requestState !== undefined) return this.redeemState(call, call.client, digest);

    if (!change.browserOnly && supportsForm(call.client)) {
      const { state } = this.seal.seal({ nonce: randomBytes(16).toString('base64url'), digest });
      return {
        proceed: false,
        result: inputRequired({
          inputRequests: { [CONFIRM_KEY]: inputRequired.elicit({ mode: 'form', ...confirmForm(change.summary) }) },
          requestState: state,
        }) as unknown as Record<string, unknown>,
      };
    }
    if (!change.browserOnly && call.client.elicit) {
      const answered = await this.askOnStream(call, call.client.elicit);
      if (answered) return answered;
    }
    if (takesUrlError(call.client)) return this.askInBrowserByUrlError(call, digest);

    const approval = await this.createApproval(call, digest);
    const url = this.approvalUrl(approval.id);
    if (supportsUrl(call.client)) {
      const { state } = this.seal.seal({ nonce: randomBytes(16).toString('base64url'), digest, approvalId: approval.id });
      return {
        proceed: false,
        result: inputRequired({
          inputRequests: { [CONFIRM_KEY]: inputRequired.elicitUrl({ message: urlMessage(change.summary), url }) },
          requestState: state,
        }) as unknown as Record<string, unknown>,
      };
    }
    throw new ConfirmationRequiredError(change.summary, url, approval.id, approval.expiresAt);
  }

  private createApproval(call: RiskyCall, digest: string): Promise<ApprovalRecord> {
    const { principal } = call;
    return this.approvals.create({
      id: randomBytes(16).toString('base64url'),
      orgId: principal.orgId,
      userId: principal.userId,
      membershipId: principal.membershipId,
      grantId: principal.grantId,
      clientId: principal.clientId,
      tool: call.tool,
      argumentsDigest: digest,
      summary: call.change.summary,
      expiresAt: new Date(this.clock.nowMs() + APPROVAL_TTL_MS),
    });
  }

  /**
   * Asks on the call's own stream and waits (at most as long as an approval lasts). Undefined when the
   * client could not ask: the approval page is offered instead. A call the client walked away from changes
   * nothing and is not audited, as with a 2026-07-28 form that is never retried.
   */
  private async askOnStream(call: RiskyCall, elicit: NonNullable<ConfirmingClient['elicit']>): Promise<ConfirmationOutcome | undefined> {
    const deadline = this.clock.nowMs() + APPROVAL_TTL_MS;
    const answer = await elicit(confirmForm(call.change.summary), APPROVAL_TTL_MS);
    if (answer.action === 'failed') return undefined;
    if (answer.action === 'abandoned') throw new ConfirmationExpiredError();
    if (answer.action === 'expired' || this.clock.nowMs() > deadline) {
      await this.record(call, 'expired', 'form');
      throw new ConfirmationExpiredError();
    }
    if (answer.action === 'accept' && answer.content?.confirm === true) return this.proceed(call.principal, 'form');
    await this.record(call, 'declined', 'form');
    throw new ConfirmationDeclinedError(call.change.summary);
  }

  /**
   * The approval page as URL elicitation on a 2025 revision (error -32042). The client retries the very
   * same call once the person is done, without an approvalId, so the open approval for exactly this call
   * (same digest, user, organization and grant) is looked up: still pending, it is offered again;
   * approved, it is spent; rejected, the retry is declined once.
   */
  private async askInBrowserByUrlError(call: RiskyCall, digest: string): Promise<ConfirmationOutcome> {
    const now = this.clock.now();
    const { orgId, userId, grantId } = call.principal;
    const open = await this.approvals.openFor({ orgId, userId, grantId, tool: call.tool, argumentsDigest: digest }, now);
    if (open?.status === 'approved') return this.redeemApproval(call, open.id, digest);
    if (open?.status === 'rejected' && (await this.approvals.closeRejected(open.id, now))) throw new ConfirmationDeclinedError(open.summary);
    const approval = open?.status === 'pending' ? open : await this.createApproval(call, digest);
    throw new UrlElicitationRequiredError(
      [{ mode: 'url', elicitationId: approval.id, url: this.approvalUrl(approval.id), message: urlMessage(approval.summary) }],
      "This change needs the person's approval on the page; retry the call once they have decided.",
    );
  }

  private approvalUrl(id: string): string {
    return `${this.config.publicUrl}/approvals/${encodeURIComponent(id)}`;
  }

  private proceed(principal: Principal, method: ApprovalEvidence['method'], approvalId?: string): ConfirmationOutcome {
    return {
      proceed: true,
      evidence: { method, approvedByUserId: principal.userId, approvedAt: this.clock.now().toISOString(), ...(approvalId ? { approvalId } : {}) },
    };
  }

  private async redeemApproval(call: RiskyCall, id: string, digest: string): Promise<ConfirmationOutcome> {
    const approval = await this.approvals.find(id);
    if (!approval || !this.boundTo(approval, call, digest)) throw new ConfirmationInvalidError('the approval is for another call, person or connection');
    const now = this.clock.now();
    if (approval.status === 'rejected') throw new ConfirmationDeclinedError(approval.summary);
    if (approval.status === 'used') throw new ConfirmationInvalidError('the approval was already used');
    if (approval.expiresAt <= now) {
      if (await this.approvals.closeExpired(approval.id, now)) await this.record(call, 'expired', 'browser');
      throw new ConfirmationExpiredError();
    }
    if (approval.status === 'pending') throw new ConfirmationPendingError(this.approvalUrl(approval.id), approval.id);
    if (!(await this.approvals.spend(approval.id, now))) throw new ConfirmationInvalidError('the approval was already used');
    return {
      proceed: true,
      evidence: { method: 'browser', approvedByUserId: approval.userId, approvedAt: (approval.decidedAt ?? now).toISOString(), approvalId: approval.id },
    };
  }

  private boundTo(approval: ApprovalRecord, call: RiskyCall, digest: string): boolean {
    const p = call.principal;
    return approval.orgId === p.orgId && approval.userId === p.userId && approval.grantId === p.grantId && approval.tool === call.tool && approval.argumentsDigest === digest;
  }

  private async redeemState(call: RiskyCall, client: ConfirmingClient, digest: string): Promise<ConfirmationOutcome> {
    const unsealed = this.seal.unseal(client.requestState!);
    if (!unsealed.ok) {
      if (unsealed.reason === 'expired') {
        await this.record(call, 'expired', 'form');
        throw new ConfirmationExpiredError();
      }
      throw new ConfirmationInvalidError(unsealed.reason === 'signature' ? 'the requestState was altered or not issued here' : 'the requestState is malformed');
    }
    const state: RequestStatePayload = unsealed.payload;
    if (state.digest !== digest) throw new ConfirmationInvalidError('the requestState was issued for another call, person or connection');
    // A state waiting on the browser page: the page's decision is what counts, never the elicitation answer.
    if (state.approvalId !== undefined) return this.redeemApproval(call, state.approvalId, digest);
    if (call.change.browserOnly) throw new ConfirmationInvalidError('only the browser approval page can confirm this change');

    const answer = inputResponse(client.inputResponses, CONFIRM_KEY);
    if (answer.kind !== 'elicit') throw new ConfirmationInvalidError(`the retried call carries no answer under inputResponses.${CONFIRM_KEY}`);
    if (!(await this.approvals.spendRequestState(state.nonce, new Date(state.expiresAt)))) throw new ConfirmationInvalidError('the requestState was already used');
    if (answer.action === 'accept' && answer.content?.confirm === true) return this.proceed(call.principal, 'form');
    await this.record(call, 'declined', 'form');
    throw new ConfirmationDeclinedError(call.change.summary);
  }

  private record(call: RiskyCall, outcome: 'declined' | 'expired', via: 'form' | 'browser'): Promise<void> {
    return this.audit.record(call.principal, {
      action: `confirmation.${outcome}`,
      targetType: 'tool',
      targetId: call.tool,
      details: { tool: call.tool, summary: call.change.summary, via },
      approval: outcome,
    });
  }
}

