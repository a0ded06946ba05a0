import { composeMail, type OutgoingMail } from '@app/mail';

export interface InvitationMailFacts {
  to: string;
  organizationName: string;
  inviter: { name: string; email: string } | null;
  role: string;
  url: string;
  expiresAt: Date;
}

/** The same words whether or not the address has an account: the page tells the invitee which it is. */
export function invitationMail(facts: InvitationMailFacts): OutgoingMail {
  const who = facts.inviter ? `${facts.inviter.name} (${facts.inviter.email})` : 'An administrator';
  return composeMail({
    kind: 'invitation',
    to: facts.to,
    subject: `${facts.inviter?.name ?? 'Someone'} invited you to join ${facts.organizationName} on OpenWork Cloud`,
    paragraphs: [
      'Hello,',
      `${who} invited ${facts.to} to join the organization ${facts.organizationName} on OpenWork Cloud, with the role ${facts.role}.`,
      'Open the link to create your account (or sign in, if you already have one) and join.',
    ],
    action: { label: 'Accept the invitation', url: facts.url, expiresAt: facts.expiresAt },
    footer: 'If you do not want to join, ignore this message: nothing happens without the link.',
  });
}
