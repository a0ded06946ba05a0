import { createHash } from 'node:crypto';
import { RateLimitedError } from '@app/identity';
import { httpStatusFor, type DomainError } from '@app/shared';

/** Markup that is already safe; anything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = SafeHtml | string | number | null | undefined | false | Value[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]!) : ''), ''));
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1f}
h1{font-size:1.5rem}label{display:block;margin:.75rem 0 .25rem}input[type=email],input[type=password],input[type=text]{width:100%;padding:.5rem;font-size:1rem}
pre{background:#f4f4f6;padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}.ok{border-left:4px solid #1a7f37;padding-left:.75rem}
button{padding:.5rem 1.25rem;font-size:1rem;margin:.75rem .5rem 0 0;cursor:pointer}fieldset{border:1px solid #ccc;padding:.75rem}
.error{color:#a4000f;border-left:4px solid #a4000f;padding-left:.75rem}.muted{color:#555}.badge{border:1px solid #8a5a00;color:#8a5a00;border-radius:.25rem;padding:0 .35rem;font-size:.85rem;font-weight:600}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.35rem;border-bottom:1px solid #ddd;vertical-align:top}.inline{display:inline}`;

/** The one inline stylesheet is allowed by its hash, so the CSP needs no 'unsafe-inline'. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · OpenWork Cloud</title><style>${new SafeHtml(STYLE)}</style></head>
<body><main>${body}</main></body></html>`.value;
}

/** A page that answers 404 the same way wherever something is not (or no longer) there. */
export function notFoundPage(): string {
  return page('Not found', html`<h1>Not found</h1><p>There is nothing here. Check the link, or go to the <a href="/">front page</a>.</p>`);
}

/** A string field of a urlencoded form, or '' (anything else a client sends is treated as missing). */
export function formField(body: unknown, name: string, max = 1000): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** The status of a page that shows a domain error: too many requests is 429, with the rest as everywhere. */
export function pageStatusFor(error: DomainError): number {
  return error instanceof RateLimitedError ? 429 : httpStatusFor(error.category);
}
