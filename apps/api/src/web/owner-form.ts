import { html, type SafeHtml } from './html.js';

export interface OwnerFormValues {
  name: string;
  email: string;
  organizationName: string;
}

/** The Name, Email, Password, Organization name fields shared by first-run setup and sign-up. */
export function ownerFields(values: Partial<OwnerFormValues>): SafeHtml {
  return html`<label for="name">Name</label>
<input id="name" name="name" type="text" autocomplete="name" required maxlength="100" value="${values.name ?? ''}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${values.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="10" maxlength="256">
<label for="organization">Organization name</label>
<input id="organization" name="organizationName" type="text" autocomplete="organization" required maxlength="100" value="${values.organizationName ?? ''}">`;
}
