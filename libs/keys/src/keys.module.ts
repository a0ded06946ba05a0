import { Module } from '@nestjs/common';
import { SigningKeysService } from './application/signing-keys.service.js';
import { SigningKeyRepository } from './infrastructure/signing-key.repository.js';

@Module({ providers: [SigningKeysService, SigningKeyRepository], exports: [SigningKeysService] })
export class KeysModule {}
