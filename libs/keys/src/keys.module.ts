import { Module } from '@nestjs/common';
import { SigningKeysService } from './application/signing-keys.service.js';
import { SigningKeyRetentionRepository } from './infrastructure/signing-key-retention.repository.js';
import { SigningKeyRepository } from './infrastructure/signing-key.repository.js';

@Module({ providers: [SigningKeysService, SigningKeyRepository, SigningKeyRetentionRepository], exports: [SigningKeysService] })
export class KeysModule {}
