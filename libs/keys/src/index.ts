export { KeysModule } from './keys.module.js';
export {
  KEY_PUBLISHED_OVERLAP_MS,
  KEY_SIGNING_LIFETIME_MS,
  SigningKeysService,
  type PublicJwk,
} from './application/signing-keys.service.js';
