// Server-rendered pages of the invitation link; plain HTML forms, no JavaScript needed.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · OpenWork Cloud</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;padding:.5rem;margin-top:.25rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}
.error{border:2px solid #b00020;padding:.75rem;color:#b00020}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface InvitationFormModel {
  organizationName: string;
  inviterName: string | null;
  email: string;
  role: string;
  accountExists: boolean;
  signedInEmail: string | null;
  csrfToken: string;
  action: string;
  signInUrl: string;
  error?: string;
  name?: string;
}

export function invitationFormPage(m: InvitationFormModel): string {
  const who = m.inviterName ? `${escapeHtml(m.inviterName)} invited you` : 'You have been invited';
  const error = m.error ? `<p class="error" role="alert" id="form-error">${escapeHtml(m.error)}</p>` : '';
  const describedBy = m.error ? ' aria-describedby="form-error"' : '';
  const signedInAsInvitee = m.signedInEmail !== null && m.signedInEmail.toLowerCase() === m.email.toLowerCase();
  if (m.accountExists && !signedInAsInvitee) {
    // No password field here: an existing account proves itself only through /sign-in and its limits.
    const other = m.signedInEmail ? `<p>You are signed in as <strong>${escapeHtml(m.signedInEmail)}</strong>, not as the invited address. <a href="/account">Sign out on your account page</a>, then open this link again.</p>\n` : '';
    return layout(
      `Join ${m.organizationName}`,
      `<h1>Join ${escapeHtml(m.organizationName)}</h1>
<p>${who} to join <strong>${escapeHtml(m.organizationName)}</strong> as <strong>${escapeHtml(m.role)}</strong>.</p>
${error}${other}<p>An OpenWork Cloud account already uses <strong>${escapeHtml(m.email)}</strong>. Sign in as ${escapeHtml(m.email)}; you come back here to accept.</p>
<p><a href="${escapeHtml(m.signInUrl)}">Sign in to accept</a></p>`,
    );
  }
  const fields = signedInAsInvitee
    ? `<p>You are signed in as <strong>${escapeHtml(m.email)}</strong>.</p>
<button type="submit">Join ${escapeHtml(m.organizationName)}</button>`
    : `<p>Create your OpenWork Cloud account for <strong>${escapeHtml(m.email)}</strong> to accept.</p>
<label for="name">Name</label>
<input id="name" name="name" type="text" autocomplete="name" maxlength="100" required value="${escapeHtml(m.name ?? '')}"${describedBy}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="256" required${describedBy}>
<button type="submit">Create account and join</button>`;
  return layout(
    `Join ${m.organizationName}`,
    `<h1>Join ${escapeHtml(m.organizationName)}</h1>
<p>${who} to join <strong>${escapeHtml(m.organizationName)}</strong> as <strong>${escapeHtml(m.role)}</strong>.</p>
${error}
<form method="post" action="${escapeHtml(m.action)}">
<input type="hidden" name="_csrf" value="${escapeHtml(m.csrfToken)}">
${fields}
</form>`,
  );
}

export function acceptedPage(m: { organizationName: string; role: string; email: string }): string {
  return layout(
    `Welcome to ${m.organizationName}`,
    `<h1>You have joined ${escapeHtml(m.organizationName)}</h1>
<p>You are now a member (role <strong>${escapeHtml(m.role)}</strong>) as <strong>${escapeHtml(m.email)}</strong>.</p>
<p>Connect your MCP client to OpenWork Cloud and choose ${escapeHtml(m.organizationName)} when it asks for an organization.</p>`,
  );
}

const UNUSABLE: Record<string, { title: string; text: string }> = {
  unknown: { title: 'Invitation not found', text: 'This invitation link is not valid. Check that you copied the whole link, or ask for a new invitation.' },
  expired: { title: 'Invitation expired', text: 'This invitation has expired. Ask an administrator of the organization to invite you again.' },
  revoked: { title: 'Invitation revoked', text: 'This invitation was withdrawn by the organization. Ask an administrator if you think this is a mistake.' },
  accepted: { title: 'Invitation already used', text: 'This invitation has already been accepted. Sign in to OpenWork Cloud with your account to continue.' },
};

export function unusablePage(reason: keyof typeof UNUSABLE): string {
  const page = UNUSABLE[reason]!;
  return layout(page.title, `<h1>${page.title}</h1>\n<p>${page.text}</p>`);
}

export function staleFormPage(action: string): string {
  return layout(
    'Please try again',
    `<h1>Please try again</h1>
<p>This form expired or was not sent from this page. <a href="${escapeHtml(action)}">Open the invitation again</a> and resubmit.</p>`,
  );
}
