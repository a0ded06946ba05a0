import { Module } from '@nestjs/common';
import { MembersModule } from '@app/members';
import { RetentionLoop } from './retention-loop.service.js';
import { UnmailedInvitationsStartup } from './unmailed-invitations.startup.js';

// Background upkeep of the server (not of the CLI): the retention loop, and the one-time mailing of
// invitations made before links went by mail.
@Module({ imports: [MembersModule], providers: [RetentionLoop, UnmailedInvitationsStartup], exports: [RetentionLoop, UnmailedInvitationsStartup] })
export class MaintenanceModule {}
