import { composeMail, type OutgoingMail } from '@app/mail';

export function signUpAttemptMail(to: { email: string; name: string }, publicUrl: string): OutgoingMail {
  return composeMail({
    kind: 'sign_up_attempt',
    to: to.email,
    subject: 'Someone tried to sign up with your address',
    paragraphs: [
      `Hello ${to.name},`,
      `Someone tried to create a new OpenWork Cloud account with ${to.email}. This address already has an account, so nothing was created and nothing changed.`,
      `If it was you, sign in at ${publicUrl}/sign-in. If you forgot your password, ask for a new one at ${publicUrl}/forgot-password.`,
    ],
    footer: 'If it was not you, you can ignore this message.',
  });
}
