import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { AlreadyExistsError, AuditLog, isUniqueViolation, NotFoundError, type PageRequest, type Principal, type TransactionClient } from '@app/shared';
import { CONFIG_OBJECT_TYPES, normalizeObjectName, VersionNotFoundError, type ConfigObjectType } from '../domain/config-object.js';
import { parseSkillMarkdown } from '../domain/skill-document.js';
import {
  ConfigObjectRepository,
  type ConfigObjectRecord,
  type ConfigObjectVersionRecord,
} from '../infrastructure/config-object.repository.js';

export interface ConfigObjectWithVersion {
  object: ConfigObjectRecord;
  version: ConfigObjectVersionRecord;
}

/** How a caller names what it works on: "skill" tools only see skills, config object tools see the other types. */
export interface ObjectKind {
  resource: 'skill' | 'config object';
  types: readonly ConfigObjectType[];
}

export const SKILL_KIND: ObjectKind = { resource: 'skill', types: ['skill'] };
export const CONFIG_OBJECT_KIND: ObjectKind = { resource: 'config object', types: CONFIG_OBJECT_TYPES.filter((t) => t !== 'skill') };

// Skills and the other config objects share one versioned store; a skill's name and description
// always come from its SKILL.md front matter.
@Injectable()
export class ConfigObjectsService {
  constructor(
    private readonly objects: ConfigObjectRepository,
    private readonly audit: AuditLog,
  ) {}

  list(principal: Principal, kind: ObjectKind, page: PageRequest, type?: ConfigObjectType) {
    assertPermission(principal, 'catalog:read');
    return this.objects.list(principal.orgId, type ? [type] : kind.types, page);
  }

  async get(principal: Principal, kind: ObjectKind, id: string, version?: number): Promise<ConfigObjectWithVersion> {
    assertPermission(principal, 'catalog:read');
    const object = await this.require(principal.orgId, kind, id);
    const wanted = version ?? object.latestVersion;
    const row = await this.objects.version(principal.orgId, object.id, wanted);
    if (!row) throw new VersionNotFoundError(kind.resource, id, wanted, object.latestVersion);
    return { object, version: row };
  }

  /** The latest version of the organization's skill with this exact name (names are lowercase and unique). */
  async getSkillByName(principal: Principal, name: string): Promise<ConfigObjectWithVersion> {
    assertPermission(principal, 'catalog:read');
    const object = await this.objects.findByName(principal.orgId, 'skill', name);
    const version = object && (await this.objects.version(principal.orgId, object.id, object.latestVersion));
    if (!object || !version) throw new NotFoundError('skill', name, 'Call list_skills (or list the skill:// resources) to see the skills of this organization.');
    return { object, version };
  }

  async create(
    principal: Principal,
    kind: ObjectKind,
    input: { type: ConfigObjectType; name?: string; description?: string; content: string; metadata?: Record<string, unknown> },
  ): Promise<ConfigObjectWithVersion> {
    assertPermission(principal, 'catalog:write');
    const fields = this.fieldsFor(input.type, input);
    const existing = await this.objects.findByName(principal.orgId, input.type, fields.name);
    if (existing) throw new AlreadyExistsError(kind.resource, fields.name, existing.id);
    try {
      return await this.objects.transaction(async (tx) => {
        const object = await this.objects.create({ orgId: principal.orgId, type: input.type, ...fields, userId: principal.userId }, tx);
        await this.audit.record(principal, { action: `${auditPrefix(input.type)}.created`, targetType: auditPrefix(input.type), targetId: object.id, details: { name: object.name, type: object.type, version: 1 } }, tx);
        return { object, version: (await this.objects.version(principal.orgId, object.id, 1, tx))! };
      });
    } catch (error) {
      throw await this.nameClash(error, principal.orgId, kind, input.type, fields.name);
    }
  }

  async update(
    principal: Principal,
    kind: ObjectKind,
    id: string,
    input: { name?: string; description?: string; content?: string; metadata?: Record<string, unknown> },
  ): Promise<ConfigObjectWithVersion> {
    assertPermission(principal, 'catalog:write');
    const current = await this.require(principal.orgId, kind, id);
    const previous = (await this.objects.version(principal.orgId, current.id, current.latestVersion))!;
    const fields = this.fieldsFor(current.type, {
      name: input.name ?? current.name,
      description: input.description ?? current.description,
      content: input.content ?? previous.content,
      metadata: input.metadata ?? (previous.metadata as Record<string, unknown>),
    });
    if (fields.name !== current.name) {
      const clash = await this.objects.findByName(principal.orgId, current.type, fields.name);
      if (clash) throw new AlreadyExistsError(kind.resource, fields.name, clash.id);
    }
    try {
      return await this.objects.transaction(async (tx) => {
        const object = await this.objects.addVersion(current, { ...fields, userId: principal.userId }, tx);
        await this.audit.record(principal, { action: `${auditPrefix(object.type)}.updated`, targetType: auditPrefix(object.type), targetId: object.id, details: { name: object.name, version: object.latestVersion } }, tx);
        return { object, version: (await this.objects.version(principal.orgId, object.id, object.latestVersion, tx))! };
      });
    } catch (error) {
      throw await this.nameClash(error, principal.orgId, kind, current.type, fields.name);
    }
  }

  async delete(principal: Principal, kind: ObjectKind, id: string): Promise<ConfigObjectRecord> {
    assertPermission(principal, 'catalog:write');
    const object = await this.require(principal.orgId, kind, id);
    await this.objects.transaction(async (tx) => {
      await this.objects.delete(principal.orgId, object.id, tx);
      await this.audit.record(principal, { action: `${auditPrefix(object.type)}.deleted`, targetType: auditPrefix(object.type), targetId: object.id, details: { name: object.name, type: object.type } }, tx);
    });
    return object;
  }

  /** For other contexts (plugins, sharing): a config object of the caller's organization, or not_found. */
  async findForOrg(orgId: string, id: string, kind: ObjectKind = { resource: 'config object', types: CONFIG_OBJECT_TYPES }, db?: TransactionClient) {
    return this.require(orgId, kind, id, db);
  }

  private async require(orgId: string, kind: ObjectKind, id: string, db?: TransactionClient): Promise<ConfigObjectRecord> {
    const object = await this.objects.find(orgId, id, kind.types, db);
    if (!object) throw new NotFoundError(kind.resource, id, `Call list_${kind.resource === 'skill' ? 'skills' : 'config_objects'} to find a valid id.`);
    return object;
  }

  private fieldsFor(type: ConfigObjectType, input: { name?: string; description?: string; content: string; metadata?: Record<string, unknown> }) {
    if (type === 'skill') {
      const doc = parseSkillMarkdown(input.content);
      return { name: doc.name, description: doc.description, content: input.content, metadata: { frontMatter: doc.frontMatter } };
    }
    return {
      name: normalizeObjectName(input.name ?? ''),
      description: (input.description ?? '').trim(),
      content: input.content,
      metadata: input.metadata ?? {},
    };
  }

  // A concurrent create with the same name loses on the unique index; report it like the pre-check does.
  private async nameClash(error: unknown, orgId: string, kind: ObjectKind, type: ConfigObjectType, name: string): Promise<unknown> {
    if (!isUniqueViolation(error)) return error;
    const existing = await this.objects.findByName(orgId, type, name);
    return existing ? new AlreadyExistsError(kind.resource, name, existing.id) : error;
  }
}

function auditPrefix(type: ConfigObjectType): string {
  return type === 'skill' ? 'skill' : 'config_object';
}
