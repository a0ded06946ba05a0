import type { Type } from '@nestjs/common';
import type { ApprovalEvidence, Principal } from '@app/shared';

/**
 * What a risky call would change, in the person's words and in ids. `resolved` is the call's arguments
 * with every reference resolved to an id: a confirmation is bound to its digest, so an approval for
 * "remove priya@acme.com" cannot be spent on someone else who later answers to the same name.
 */
export interface RiskyChange {
  /** One or two sentences: who or what, what happens, how many are affected. */
  summary: string;
  resolved: Record<string, unknown>;
  /** Only the browser approval page may confirm it (an elicitation answer can come from the client itself). */
  browserOnly?: boolean;
}

export interface RiskAssessmentCall<I> {
  principal: Principal;
  input: I;
  /** Any provider of the application, e.g. the area's service, to look up what the call touches. */
  get<T>(type: Type<T>): T;
}

/** Declared with a tool: the change this call would make when it is risky, or null when it is not. */
export type RiskAssessment<I = any> = (call: RiskAssessmentCall<I>) => Promise<RiskyChange | null>;

/** A form elicitation: the message the person reads and the fields they fill in. */
export interface FormElicitation {
  message: string;
  requestedSchema: Record<string, unknown>;
}

/** How a server-to-client elicitation ended: the person's answer, or why there is none. */
export type ElicitationOutcome =
  | { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }
  /** No answer within the time given. */
  | { action: 'expired' }
  /** The client closed the call before answering. */
  | { action: 'abandoned' }
  /** The client answered with an error, the question could not be sent, or the server is stopping. */
  | { action: 'failed' };

/**
 * What a 2025-revision client declared at `initialize`, carried by its signed `Mcp-Session-Id`; the gateway
 * puts it on the HTTP request (under DECLARED_CLIENT). `elicit` is there when the client declared form
 * elicitation and this call's response can stream an `elicitation/create` request to it.
 */
export interface DeclaredClient {
  capabilities: Record<string, unknown>;
  elicit?(form: FormElicitation, timeoutMs: number): Promise<ElicitationOutcome>;
}

export const DECLARED_CLIENT = Symbol('declaredClient');

/** What the transport knows about the caller's client for this one request. */
export interface ConfirmingClient {
  /** `modern`: protocol revision 2026-07-28 (multi-round-trip results); `legacy`: 2025 revisions. */
  era: 'modern' | 'legacy';
  /** Capabilities declared on this request (2026-07-28) or at initialize (2025 revisions with a session), if any. */
  capabilities?: Record<string, unknown>;
  /** The retried call's answers and echoed state (2026-07-28), if any. */
  inputResponses?: Record<string, unknown>;
  requestState?: string;
  /** Asks the person on this call's own response stream (2025 revisions with a form-elicitation session). */
  elicit?: DeclaredClient['elicit'];
}

export interface RiskyCall {
  tool: string;
  principal: Principal;
  change: RiskyChange;
  approvalId?: string;
  client: ConfirmingClient;
}

/** Either go ahead (with the evidence to audit) or answer the client with this result instead. */
export type ConfirmationOutcome = { proceed: true; evidence: ApprovalEvidence } | { proceed: false; result: Record<string, unknown> };

/** The step between "this call is risky" and running it; provided by the approvals context. */
export interface ConfirmationStep {
  confirm(call: RiskyCall): Promise<ConfirmationOutcome>;
}

export const CONFIRMATION_STEP = Symbol('ConfirmationStep');
