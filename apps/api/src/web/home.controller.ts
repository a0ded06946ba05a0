import { Controller, Get, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@app/shared';
import { html, page } from './html.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { WebSession } from './web-session.js';

/** GET / — what this server is and how to connect a client (the same lines as the README). */
@Controller()
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class HomeController {
  constructor(
    private readonly config: AppConfig,
    private readonly web: WebSession,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    const mcp = this.config.mcpResourceUrl;
    const plainHttp = mcp.startsWith('http:');
    res.type('html').send(
      page(
        'MCP server',
        html`<h1>OpenWork Cloud MCP</h1>
<p>A Model Context Protocol server for managing an OpenWork Cloud organization — members, invitations, roles, teams,
skills, plugins, marketplaces, workers, connectors, config objects and LLM providers — from any MCP client.
Your client signs you in here (OAuth 2.1) and you choose which organization it may act on.</p>
<nav><p>${
          session
            ? html`Signed in as <strong>${session.user.email}</strong> · <a href="/account">Your account</a> · <a href="/billing">Plans and seats</a>`
            : html`<a href="/sign-in">Sign in</a>${this.config.signUp === 'open' ? html` · <a href="/sign-up">Sign up</a>` : ''} · <a href="/account">Your account</a> · <a href="/billing">Plans and seats</a>`
        }</p></nav>
<h2>The MCP URL</h2>
<pre>${mcp}</pre>
<h2>Connect your client</h2>
<h3>Claude Code</h3>
<pre>claude mcp add --transport http openwork-cloud ${mcp}</pre>
<p>then <code>/mcp</code> in Claude Code → <em>openwork-cloud</em> → <em>Authenticate</em>.</p>
<h3>Cursor</h3>
<p><code>~/.cursor/mcp.json</code> (or <code>.cursor/mcp.json</code> in a project):</p>
<pre>${JSON.stringify({ mcpServers: { 'openwork-cloud': { url: mcp } } })}</pre>
<h3>MCP Inspector</h3>
<pre>MCP_AUTO_OPEN_ENABLED=true npx @modelcontextprotocol/inspector --cli ${mcp} --transport http --method tools/list</pre>
<h3>mcp-remote (clients that only start stdio servers)</h3>
<pre>${JSON.stringify({ mcpServers: { 'openwork-cloud': { command: 'npx', args: ['mcp-remote', mcp, ...(plainHttp ? ['--allow-http'] : [])] } } })}</pre>
<p class="muted">Every client finds the sign-in on its own: the first request gets a 401 that points at
${this.config.publicUrl}/.well-known/oauth-protected-resource/mcp, the client registers itself and opens this site in your browser.</p>`,
      ),
    );
  }
}
