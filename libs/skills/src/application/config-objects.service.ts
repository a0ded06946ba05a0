import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import {
  alreadyExistsOnClash,
  AuditLog,
  decodeCursor,
  NotFoundError,
  pickReference,
  REFERENCE,
  ReferenceResolver,
  toPage,
  TransactionRunner,
  type Page,
  type PageRequest,
  type Principal,
  type ReferenceKind,
  type TransactionClient,
} from '@app/shared';
import { CONFIG_OBJECT_TYPES, objectName, VersionNotFoundError, type ConfigObjectType } from '../domain/config-object.js';
import { parseSkillMarkdown } from '../domain/skill-document.js';
import { ConfigObjectRepository, type ConfigObjectRecord, type ConfigObjectVersionRecord } from '../infrastructure/config-object.repository.js';
import { skillPermissions as can } from '../skills.permissions.js';

export interface ConfigObjectWithVersion {
  object: ConfigObjectRecord;
  version: ConfigObjectVersionRecord;
}

/** How a caller names what it works on: "skill" tools only see skills, config object tools see the other types. */
export interface ObjectKind {
  resource: 'skill' | 'config object';
  types: readonly ConfigObjectType[];
  reference: ReferenceKind;
}

export const SKILL_KIND: ObjectKind = { resource: 'skill', types: ['skill'], reference: REFERENCE.skill };
export const CONFIG_OBJECT_KIND: ObjectKind = { resource: 'config object', types: CONFIG_OBJECT_TYPES.filter((t) => t !== 'skill'), reference: REFERENCE.configObject };
const ANY_KIND: ObjectKind = { resource: 'config object', types: CONFIG_OBJECT_TYPES, reference: REFERENCE.configObject };

/** A config object named by id or name, optionally narrowed to one type (names are unique per type). */
export interface ObjectReference {
  reference: string;
  type?: ConfigObjectType;
}

type ConfigObjectInput = { configObject?: string; configObjectId?: string; type?: ConfigObjectType };

function configObjectReference(input: ConfigObjectInput): ObjectReference {
  return { reference: pickReference(input, 'configObject', 'configObjectId'), type: input.type };
}

export interface ConfigObjectSummary {
  id: string;
  type: string;
  name: string;
  description: string;
  latestVersion: number;
  createdByUserId: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConfigObjectDetail extends ConfigObjectSummary {
  version: number;
  content: string;
  metadata: Record<string, unknown>;
}

export function configObjectSummary(o: ConfigObjectRecord): ConfigObjectSummary {
  return {
    id: o.id,
    type: o.type,
    name: o.name,
    description: o.description,
    latestVersion: o.latestVersion,
    createdByUserId: o.createdByUserId,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

function detailView({ object, version }: ConfigObjectWithVersion): ConfigObjectDetail {
  return { ...configObjectSummary(object), version: version.version, content: version.content, metadata: (version.metadata ?? {}) as Record<string, unknown> };
}

// Skills and the other config objects share one versioned store; a skill's name and description
// always come from its SKILL.md front matter. The public methods are the config object use cases;
// the `…Of` methods are the store both they and the skill use cases run on.
@Injectable()
export class ConfigObjectsService {
  constructor(
    private readonly objects: ConfigObjectRepository,
    private readonly references: ReferenceResolver,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
  ) {}

  async list(principal: Principal, input: { type?: ConfigObjectType; cursor?: string; limit?: number }): Promise<Page<ConfigObjectSummary>> {
    assertPermission(principal, can.list_config_objects);
    const page = decodeCursor(input);
    return toPage(await this.listOf(principal, CONFIG_OBJECT_KIND, page, input.type), page, configObjectSummary);
  }

  async get(principal: Principal, input: ConfigObjectInput & { version?: number }): Promise<ConfigObjectDetail> {
    assertPermission(principal, can.get_config_object);
    return detailView(await this.getOf(principal, CONFIG_OBJECT_KIND, configObjectReference(input), input.version));
  }

  async create(
    principal: Principal,
    input: { type: ConfigObjectType; name: string; description: string; content: string; metadata: Record<string, unknown> },
  ): Promise<ConfigObjectDetail> {
    assertPermission(principal, can.create_config_object);
    return detailView(await this.createOf(principal, CONFIG_OBJECT_KIND, input));
  }

  async update(
    principal: Principal,
    input: ConfigObjectInput & { name?: string; description?: string; content?: string; metadata?: Record<string, unknown> },
  ): Promise<ConfigObjectDetail> {
    assertPermission(principal, can.update_config_object);
    const { configObject: _noun, configObjectId: _id, type: _type, ...changes } = input;
    return detailView(await this.updateOf(principal, CONFIG_OBJECT_KIND, configObjectReference(input), changes));
  }

  async delete(principal: Principal, input: ConfigObjectInput): Promise<{ deleted: true; id: string; name: string }> {
    assertPermission(principal, can.delete_config_object);
    const deleted = await this.deleteOf(principal, CONFIG_OBJECT_KIND, configObjectReference(input));
    return { deleted: true, id: deleted.id, name: deleted.name };
  }

  /** For other contexts (plugins, sharing): a config object of the caller's organization by id or name, or not_found. */
  findForOrg(orgId: string, ref: ObjectReference, kind: ObjectKind = ANY_KIND, db?: TransactionClient): Promise<ConfigObjectRecord> {
    return this.require(orgId, kind, ref, db);
  }

  listOf(principal: Principal, kind: ObjectKind, page: PageRequest, type?: ConfigObjectType): Promise<ConfigObjectRecord[]> {
    return this.objects.list(principal.orgId, type ? [type] : kind.types, page);
  }

  async getOf(principal: Principal, kind: ObjectKind, ref: ObjectReference, version?: number): Promise<ConfigObjectWithVersion> {
    const object = await this.require(principal.orgId, kind, ref);
    const wanted = version ?? object.latestVersion;
    const row = await this.objects.version(principal.orgId, object.id, wanted);
    if (!row) throw new VersionNotFoundError(kind.resource, object.id, wanted, object.latestVersion);
    return { object, version: row };
  }

  /** The latest version of the organization's object of this kind with this exact name (names are lowercase and unique). */
  async getByNameOf(principal: Principal, kind: ObjectKind, name: string): Promise<ConfigObjectWithVersion> {
    const object = await this.objects.findByName(principal.orgId, kind.types[0]!, name);
    const version = object && (await this.objects.version(principal.orgId, object.id, object.latestVersion));
    if (!object || !version) throw new NotFoundError(kind.resource, name, `Call ${kind === SKILL_KIND ? 'list_skills' : 'list_config_objects'} to see them.`);
    return { object, version };
  }

  async createOf(
    principal: Principal,
    kind: ObjectKind,
    input: { type: ConfigObjectType; name?: string; description?: string; content: string; metadata?: Record<string, unknown> },
  ): Promise<ConfigObjectWithVersion> {
    const fields = this.fieldsFor(input.type, input);
    return alreadyExistsOnClash(
      () =>
        this.transactions.run(async (tx) => {
          const object = await this.objects.create(tx, { orgId: principal.orgId, type: input.type, ...fields, userId: principal.userId });
          await this.audit.record(principal, { action: `${auditPrefix(input.type)}.created`, targetType: auditPrefix(input.type), targetId: object.id, details: { name: object.name, type: object.type, version: 1 } }, tx);
          return { object, version: (await this.objects.version(principal.orgId, object.id, 1, tx))! };
        }),
      this.clash(principal.orgId, kind, input.type, fields.name),
    );
  }

  async updateOf(
    principal: Principal,
    kind: ObjectKind,
    ref: ObjectReference,
    input: { name?: string; description?: string; content?: string; metadata?: Record<string, unknown> },
  ): Promise<ConfigObjectWithVersion> {
    const current = await this.require(principal.orgId, kind, ref);
    const previous = (await this.objects.version(principal.orgId, current.id, current.latestVersion))!;
    const fields = this.fieldsFor(current.type, {
      name: input.name ?? current.name,
      description: input.description ?? current.description,
      content: input.content ?? previous.content,
      metadata: input.metadata ?? (previous.metadata as Record<string, unknown>),
    });
    return alreadyExistsOnClash(
      () =>
        this.transactions.run(async (tx) => {
          const object = await this.objects.addVersion(tx, current, { ...fields, userId: principal.userId });
          await this.audit.record(principal, { action: `${auditPrefix(object.type)}.updated`, targetType: auditPrefix(object.type), targetId: object.id, details: { name: object.name, version: object.latestVersion } }, tx);
          return { object, version: (await this.objects.version(principal.orgId, object.id, object.latestVersion, tx))! };
        }),
      this.clash(principal.orgId, kind, current.type, fields.name),
    );
  }

  async deleteOf(principal: Principal, kind: ObjectKind, ref: ObjectReference): Promise<ConfigObjectRecord> {
    const object = await this.require(principal.orgId, kind, ref);
    await this.transactions.run(async (tx) => {
      await this.objects.delete(tx, principal.orgId, object.id);
      await this.audit.record(principal, { action: `${auditPrefix(object.type)}.deleted`, targetType: auditPrefix(object.type), targetId: object.id, details: { name: object.name, type: object.type } }, tx);
    });
    return object;
  }

  private async require(orgId: string, kind: ObjectKind, ref: ObjectReference, db?: TransactionClient): Promise<ConfigObjectRecord> {
    const types = ref.type ? kind.types.filter((t) => t === ref.type) : kind.types;
    const { id } = await this.references.resolve(orgId, kind.reference, ref.reference, { types }, db);
    const object = await this.objects.find(orgId, id, types, db);
    if (!object) throw new NotFoundError(kind.resource, ref.reference);
    return object;
  }

  private fieldsFor(type: ConfigObjectType, input: { name?: string; description?: string; content: string; metadata?: Record<string, unknown> }) {
    if (type === 'skill') {
      const doc = parseSkillMarkdown(input.content);
      return { name: doc.name, description: doc.description, content: input.content, metadata: { frontMatter: doc.frontMatter } };
    }
    return {
      name: objectName(input.name ?? ''),
      description: (input.description ?? '').trim(),
      content: input.content,
      metadata: input.metadata ?? {},
    };
  }

  private clash(orgId: string, kind: ObjectKind, type: ConfigObjectType, name: string) {
    return { resource: kind.resource, name, find: () => this.objects.findByName(orgId, type, name) };
  }
}

function auditPrefix(type: ConfigObjectType): string {
  return type === 'skill' ? 'skill' : 'config_object';
}
