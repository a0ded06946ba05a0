import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { toolDefinition } from '@app/access';
import { InvitationsService, MembersService, RolesService } from '@app/members';
import { DomainError, type Principal } from '@app/shared';
import { SKILL_MIME_TYPE, SKILL_URI_TEMPLATE, SkillResources } from '@app/skills';
import { TeamsService } from '@app/teams';
import { AGENT_PROMPTS, type AgentPrompt, type CompletionSource } from './agent-prompts.js';
import { currentMcpRequest } from './shared-mcp-server.js';
import { principalOfRequest } from './mcp-bearer.strategy.js';
import { mcpEndpointOf } from './mcp-endpoint.js';
import { endpointServes } from './tool-visibility.js';

// JSON-RPC codes: -32601 for a method this endpoint does not serve (as an SDK server without the handler
// answers), -32602 for an unknown prompt, resource or bad argument (as the MCP spec asks).
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const INVALID_REQUEST = -32600;
const MAX_COMPLETIONS = 100;
// Resources stand in for get_skill: they are served where get_skill is.
const SKILL_RESOURCE_TOOL = 'get_skill';

type Handler = (request: { params?: Record<string, unknown> }, ctx: unknown) => unknown;
type LowLevelServer = { setRequestHandler(method: string, handler: Handler): void; getCapabilities(): Record<string, unknown> };

function rpcError(code: number, message: string, data?: unknown): Error {
  return Object.assign(new Error(message), { code, ...(data !== undefined && { data }) });
}

/** A domain error as a JSON-RPC error: the same code, message, details and hint as a tool's, in `data`. */
function asRpcError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  return rpcError(error.code === 'not_found' ? INVALID_PARAMS : INVALID_REQUEST, error.message, { error: error.toBody() });
}

/** Values starting with what was typed first, then those containing it; case-insensitive, deduplicated. */
function ranked(values: string[], typed: string): string[] {
  const needle = typed.toLowerCase();
  const unique = [...new Set(values)].sort();
  const starts = unique.filter((v) => v.toLowerCase().startsWith(needle));
  const contains = unique.filter((v) => !v.toLowerCase().startsWith(needle) && v.toLowerCase().includes(needle));
  return [...starts, ...contains];
}

/**
 * Prompts (the four brief flows), `completion/complete` for their arguments, and skills as `skill://`
 * resources. mcp-nest 2.0.5 has no completion and lists resources statically, so these handlers are
 * registered here, on every server (the shared one and per-request ones), and judge each request by the
 * endpoint it reached and the caller's own permissions and organization.
 */
@Injectable()
export class PromptsAndResources {
  constructor(
    private readonly skills: SkillResources,
    private readonly members: MembersService,
    private readonly invitations: InvitationsService,
    private readonly roles: RolesService,
    private readonly teams: TeamsService,
  ) {}

  /** Capabilities to create servers with; `install` narrows them to the endpoint when it is known. */
  static readonly CAPABILITIES = { prompts: { listChanged: false }, resources: { listChanged: false }, completions: {} };

  install<Server extends { server: object }>(server: Server): Server {
    const low = server.server as unknown as LowLevelServer;
    const request = currentMcpRequest();
    // A server built for one request advertises resources only where skills are served; the shared
    // server (built before any request) decides per request in each handler.
    if (request && !this.servesSkills(request)) delete low.getCapabilities().resources;
    else {
      low.setRequestHandler('resources/list', (r) => this.withSkills((principal) => this.skills.list(principal, r.params?.cursor as string | undefined)));
      low.setRequestHandler('resources/templates/list', () =>
        this.withSkills(async () => ({
          resourceTemplates: [{ uriTemplate: SKILL_URI_TEMPLATE, name: 'skill', title: 'Skill', description: 'A skill of the organization: its SKILL.md (latest version), by skill name.', mimeType: SKILL_MIME_TYPE }],
        })),
      );
      low.setRequestHandler('resources/read', (r) => this.withSkills((principal) => this.readSkill(principal, String(r.params?.uri ?? ''))));
    }
    low.setRequestHandler('prompts/list', () => ({ prompts: this.promptsHere().map(describe) }));
    low.setRequestHandler('prompts/get', (r) => this.getPrompt(r.params ?? {}));
    low.setRequestHandler('completion/complete', (r) => this.complete(r.params ?? {}));
    return server;
  }

  private request(): Request {
    const request = currentMcpRequest();
    if (!request) throw rpcError(INVALID_REQUEST, 'No authenticated request.');
    return request;
  }

  private principal(): Principal {
    const principal = principalOfRequest(this.request());
    if (!principal) throw rpcError(INVALID_REQUEST, 'No authenticated request.');
    return principal;
  }

  private servesSkills(request: Request): boolean {
    return endpointServes(mcpEndpointOf(request), toolDefinition(SKILL_RESOURCE_TOOL)!);
  }

  private async withSkills<T>(run: (principal: Principal) => Promise<T>): Promise<T> {
    if (!this.servesSkills(this.request())) throw rpcError(METHOD_NOT_FOUND, 'Method not found');
    const principal = this.principal();
    // The same scope get_skill needs; the permission is checked by the skills service.
    if (!principal.scopes.has('mcp:read')) throw rpcError(INVALID_REQUEST, 'Reading skills needs the mcp:read scope.');
    try {
      return await run(principal);
    } catch (error) {
      throw asRpcError(error);
    }
  }

  private async readSkill(principal: Principal, uri: string) {
    const name = SkillResources.nameOf(uri);
    if (!name) throw rpcError(INVALID_PARAMS, `Unknown resource: ${uri.slice(0, 200)}. Skills are skill://<name>.`);
    return this.skills.read(principal, uri, name);
  }

  private promptsHere(): AgentPrompt[] {
    const endpoint = mcpEndpointOf(this.request());
    return AGENT_PROMPTS.filter((prompt) => prompt.tools.every((tool) => endpointServes(endpoint, toolDefinition(tool)!)));
  }

  private promptHere(name: unknown): AgentPrompt {
    const prompt = this.promptsHere().find((p) => p.name === name);
    if (!prompt) throw rpcError(INVALID_PARAMS, `Unknown prompt: ${String(name).slice(0, 100)}`);
    return prompt;
  }

  private getPrompt(params: Record<string, unknown>) {
    const prompt = this.promptHere(params.name);
    const parsed = prompt.arguments.safeParse(params.arguments ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw rpcError(INVALID_PARAMS, `Invalid arguments for prompt ${prompt.name}: ${issue.path.join('.') || '(arguments)'}: ${issue.message}`);
    }
    return {
      description: prompt.description,
      messages: [{ role: 'user', content: { type: 'text', text: prompt.text(parsed.data as Record<string, string | undefined>) } }],
    };
  }

  private async complete(params: Record<string, unknown>) {
    const ref = (params.ref ?? {}) as { type?: unknown; name?: unknown; uri?: unknown };
    const argument = (params.argument ?? {}) as { name?: unknown; value?: unknown };
    const typed = typeof argument.value === 'string' ? argument.value.slice(0, 254) : '';
    let source: CompletionSource | undefined;
    if (ref.type === 'ref/prompt') source = this.promptHere(ref.name).completes[String(argument.name)];
    else if (ref.type === 'ref/resource' && ref.uri === SKILL_URI_TEMPLATE && argument.name === 'name' && this.servesSkills(this.request())) source = 'skill';
    else throw rpcError(INVALID_PARAMS, 'Completion is available for this server\'s prompts and the skill://{name} template.');
    const values = source ? ranked(await this.candidates(source, typed), typed) : [];
    return { completion: { values: values.slice(0, MAX_COMPLETIONS), total: values.length, hasMore: values.length > MAX_COMPLETIONS } };
  }

  /**
   * What the caller could pick, from their own organization, through the same services (and permission
   * checks) as the list tools: someone without the permission to list a thing gets no suggestions for it.
   */
  private async candidates(source: CompletionSource, typed: string): Promise<string[]> {
    const principal = this.principal();
    if (!principal.scopes.has('mcp:read')) return [];
    const query = typed.trim() || undefined;
    try {
      switch (source) {
        case 'person': {
          const page = await this.members.list(principal, { limit: 200, query });
          return page.items.flatMap((m) => [m.email, m.name]);
        }
        case 'invitee': {
          const page = await this.invitations.list(principal, { limit: 200, status: 'pending', query });
          return page.items.map((i) => i.email);
        }
        case 'role':
          return (await this.roles.list(principal, { limit: 200 })).items.map((r) => r.key);
        case 'team':
          return (await this.teams.list(principal, { limit: 200, query })).items.map((t) => t.name);
        case 'skill':
          return await this.skills.names(principal);
      }
    } catch (error) {
      if (error instanceof DomainError && error.code === 'permission_denied') return [];
      throw asRpcError(error);
    }
  }
}

function describe(prompt: AgentPrompt) {
  return {
    name: prompt.name,
    title: prompt.title,
    description: prompt.description,
    arguments: Object.entries(prompt.arguments.shape).map(([name, field]) => ({
      name,
      description: (field as { description?: string }).description,
      required: !(field as { isOptional(): boolean }).isOptional(),
    })),
  };
}
