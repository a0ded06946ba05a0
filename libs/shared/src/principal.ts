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
}
