import { createHash } from 'node:crypto';

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
h1{font-size:1.5rem}label{display:block;margin:.75rem 0 .25rem}input[type=text],input[type=email],input[type=password]{width:100%;padding:.5rem;font-size:1rem}
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
