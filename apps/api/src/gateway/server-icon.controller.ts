import { Controller, Get, Header } from '@nestjs/common';

export const SERVER_ICON_PATH = '/icon.svg';

// The server's icon, listed in serverInfo.icons (clients show it beside the connector's name). Plain
// shapes only: no script, no external references, and a CSP that would block them anyway.
const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect width="64" height="64" rx="14" fill="#1f4e8c"/>
<circle cx="32" cy="32" r="17" fill="none" stroke="#ffffff" stroke-width="7"/>
<circle cx="32" cy="32" r="5" fill="#7cc4ff"/>
</svg>
`;

@Controller()
export class ServerIconController {
  @Get(SERVER_ICON_PATH.slice(1))
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=86400')
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Access-Control-Allow-Origin', '*')
  icon(): string {
    return ICON_SVG;
  }
}
