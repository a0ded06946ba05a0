import { composeMail, type OutgoingMail } from '@app/mail';

export function verificationMail(to: { email: string; name: string }, url: string, expiresAt: Date): OutgoingMail {
  return composeMail({
    kind: 'verify_email',
    to: to.email,
    subject: 'Confirm your email address for OpenWork Cloud',
    paragraphs: [`Hello ${to.name},`, `Confirm that ${to.email} is your address to finish setting up your OpenWork Cloud account.`],
    action: { label: 'Confirm your email address', url, expiresAt },
    footer: 'If you did not create an OpenWork Cloud account, ignore this message: nothing happens without the link.',
  });
}

export function resetMail(to: { email: string; name: string }, url: string, expiresAt: Date): OutgoingMail {
  return composeMail({
    kind: 'reset_password',
    to: to.email,
    subject: 'Reset your OpenWork Cloud password',
    paragraphs: [`Hello ${to.name},`, `Someone asked to reset the password of the OpenWork Cloud account ${to.email}. Setting a new password signs you out everywhere and disconnects your MCP clients.`],
    action: { label: 'Set a new password', url, expiresAt },
    footer: 'If you did not ask for this, ignore this message: your password stays as it is.',
  });
}
