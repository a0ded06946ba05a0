// Who is acting, in which organization, through which client. Built once per request by the access
// context and passed explicitly into every use case.
export interface Principal {
  readonly orgId: string;
  readonly userId: string;
  readonly membershipId: string;
  readonly role: string;
  readonly permissions: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
  readonly clientId: string;
  readonly sessionId: string;
  readonly grantId: string;
  /** As read by this request's access check (display data; ids above are what rules use). */
  readonly organization: { readonly id: string; readonly name: string; readonly slug: string; readonly plan: string };
  readonly account: { readonly id: string; readonly email: string; readonly name: string };
  readonly clientName: string;
  /** Set for a risky change the person confirmed (or the organization let through): written with its audit event. */
  readonly approval?: ApprovalEvidence;
}

export type ApprovalMethod = 'form' | 'browser' | 'policy-off';

/** How a risky change was approved, by whom and when. */
export interface ApprovalEvidence {
  readonly method: ApprovalMethod;
  readonly approvedByUserId: string;
  readonly approvedAt: string;
  readonly approvalId?: string;
}
