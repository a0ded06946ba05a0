import type { OutgoingMail } from './mail-message.js';

export function escapeMailHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface MailContent {
  kind: string;
  to: string;
  subject: string;
  /** Paragraphs of plain text; every one is escaped in the HTML part. */
  paragraphs: string[];
  action?: { label: string; url: string; expiresAt: Date };
  /** A closing line under the link (why the reader got this, what to do if it was not them). */
  footer?: string;
}

export function formatExpiry(expiresAt: Date): string {
  return `${expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** Plain text plus a simple HTML part, both from the same words; nothing in them is rendered unescaped. */
export function composeMail(content: MailContent): OutgoingMail {
  const expiry = content.action ? `This link works once and expires ${formatExpiry(content.action.expiresAt)}.` : undefined;
  const text = [
    ...content.paragraphs,
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, expiry!] : []),
    ...(content.footer ? [content.footer] : []),
    '— OpenWork Cloud',
  ].join('\n\n');
  const p = (line: string) => `<p>${escapeMailHtml(line)}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1f">',
    ...content.paragraphs.map(p),
    ...(content.action
      ? [`<p><a href="${escapeMailHtml(content.action.url)}">${escapeMailHtml(content.action.label)}</a></p>`, p(expiry!), p(`If the link does not open, paste this address into your browser: ${content.action.url}`)]
      : []),
    ...(content.footer ? [`<p style="color:#555">${escapeMailHtml(content.footer)}</p>`] : []),
    '<p>— OpenWork Cloud</p></body></html>',
  ].join('\n');
  return {
    kind: content.kind,
    to: content.to,
    // Subjects are a header: no line breaks, bounded.
    subject: content.subject.replace(/[\r\n]+/g, ' ').slice(0, 200),
    text,
    html,
    link: content.action && { url: content.action.url, expiresAt: content.action.expiresAt },
  };
}
