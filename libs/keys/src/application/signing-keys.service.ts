import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock, SecretBox, type TransactionClient } from '@app/shared';
import { SigningKeyRepository, type SigningKeyRecord } from '../infrastructure/signing-key.repository.js';

/** A key signs for 24 h. */
export const KEY_SIGNING_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** After it stops signing it stays published for 1 h: longer than any access token it signed can live. */
export const KEY_PUBLISHED_OVERLAP_MS = 60 * 60 * 1000;
// How long an instance trusts its cached view before rereading keys another instance may have added.
const CACHE_TTL_MS = 30_000;
const MIN_RELOAD_INTERVAL_MS = 1_000;

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

interface LoadedKey {
  id: string;
  publicJwk: PublicJwk;
  publicKey: KeyObject;
  privateKey: KeyObject;
  retiresAt: number;
  expiresAt: number;
}

@Injectable()
export class SigningKeysService {
  private readonly logger = new Logger('SigningKeys');
  private keys: LoadedKey[] = [];
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly repository: SigningKeyRepository,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** The key to sign with now; rotates (once, across all instances) when the current one has retired. */
  async activeKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    await this.refresh();
    let active = this.findActive();
    if (!active) {
      await this.rotateIfDue();
      active = this.findActive();
    }
    if (!active) throw new Error('No active signing key after rotation');
    return { kid: active.id, privateKey: active.privateKey };
  }

  /** Public key for a token's `kid`, while that key is still published. No network hop: a database read at most. */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    await this.refresh();
    let key = this.findPublished(kid);
    if (!key && this.clock.nowMs() - this.loadedAt > MIN_RELOAD_INTERVAL_MS) {
      await this.refresh(true); // another instance may have rotated a moment ago
      key = this.findPublished(kid);
    }
    return key?.publicKey;
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    // A fresh deployment publishes its first key before anyone asks for a token.
    await this.activeKey();
    const now = this.clock.nowMs();
    return { keys: this.keys.filter((k) => k.expiresAt > now).map((k) => k.publicJwk) };
  }

  /**
   * Retires every key that could still sign (each stays published for the overlap) and starts a new one.
   * All of them, not just the newest: an instance may still be signing with an older one it cached.
   */
  async forceRotation(): Promise<{ retired: string[]; active: string }> {
    const result = await this.repository.withRotationLock(async (tx) => {
      const now = this.clock.now();
      const retired = await this.repository.retireActive(tx, now, new Date(now.getTime() + KEY_PUBLISHED_OVERLAP_MS));
      const created = await this.createKey(tx, now);
      return { retired, active: created.id };
    });
    await this.refresh(true);
    return result;
  }

  private async rotateIfDue(): Promise<void> {
    await this.repository.withRotationLock(async (tx) => {
      const now = this.clock.now();
      if (await this.repository.findActive(tx, now)) return; // another instance got here first
      await this.repository.deleteExpired(tx, now);
      await this.createKey(tx, now);
    });
    await this.refresh(true);
  }

  private async createKey(tx: TransactionClient, now: Date): Promise<SigningKeyRecord> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const id = randomUUID();
    const jwk = publicKey.export({ format: 'jwk' });
    const publicJwk: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, kid: id, alg: 'EdDSA', use: 'sig' };
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    // A key signs until its successor takes over; the previous signer (if any) retires at the same moment.
    const retiresAt = new Date(now.getTime() + KEY_SIGNING_LIFETIME_MS);
    const record = await this.repository.insert(tx, {
      id,
      publicJwk,
      privateKeyEncrypted: this.secrets.seal(pem, `signing-key:${id}`),
      createdAt: now,
      retiresAt,
      expiresAt: new Date(retiresAt.getTime() + KEY_PUBLISHED_OVERLAP_MS),
    });
    this.logger.log(`New signing key ${id} (signs until ${retiresAt.toISOString()})`);
    return record;
  }

  private openPrivateKey(record: SigningKeyRecord): string {
    try {
      return this.secrets.open(record.privateKeyEncrypted, `signing-key:${record.id}`);
    } catch {
      throw new Error(
        `Signing key ${record.id} cannot be decrypted with this SECRETS_KEY: every instance sharing the database must use the same SECRETS_KEY.`,
      );
    }
  }

  private findActive(): LoadedKey | undefined {
    const now = this.clock.nowMs();
    return this.keys.find((k) => k.retiresAt > now);
  }

  private findPublished(kid: string): LoadedKey | undefined {
    const now = this.clock.nowMs();
    return this.keys.find((k) => k.id === kid && k.expiresAt > now);
  }

  private async refresh(force = false): Promise<void> {
    if (!force && this.clock.nowMs() - this.loadedAt < CACHE_TTL_MS) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load(): Promise<void> {
    const now = this.clock.now();
    const records = await this.repository.listPublished(now);
    const known = new Map(this.keys.map((k) => [k.id, k]));
    this.keys = records.map((record) => {
      const cached = known.get(record.id);
      const retiresAt = record.retiresAt.getTime();
      const expiresAt = record.expiresAt.getTime();
      if (cached) return { ...cached, retiresAt, expiresAt };
      const publicJwk = record.publicJwk as PublicJwk;
      return {
        id: record.id,
        publicJwk,
        publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x }, format: 'jwk' }),
        privateKey: createPrivateKey(this.openPrivateKey(record)),
        retiresAt,
        expiresAt,
      };
    });
    this.loadedAt = now.getTime();
  }
}
