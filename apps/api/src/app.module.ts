import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { AppConfig, ConfigModule, DatabaseModule, SharedModule, type Database } from '@app/shared';
import { AccessModule } from '@app/access';
import { ApprovalsModule } from '@app/approvals';
import { AuditModule } from '@app/audit';
import { ConnectorsModule } from '@app/connectors';
import { IdentityModule } from '@app/identity';
import { KeysModule } from '@app/keys';
import { MailModule } from '@app/mail';
import { MembersModule } from '@app/members';
import { MarketplacesModule } from '@app/marketplaces';
import { OAuthModule } from '@app/oauth';
import { OnboardingModule } from '@app/onboarding';
import { PluginsModule } from '@app/plugins';
import { ProvidersModule } from '@app/providers';
import { SkillsModule } from '@app/skills';
import { WorkersModule } from '@app/workers';
import { TeamsModule } from '@app/teams';
import { GatewayModule } from './gateway/gateway.module.js';
import { HealthModule } from './health/health.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { TracingShutdown } from './tracing/tracing-shutdown.js';
import { WebModule } from './web/web.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** An open database to share between app instances in one process (tests only). */
  database?: Database;
  /** Started when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed when the app stops. */
  tracing?: { shutdown(): Promise<void> };
  /** Areas mounted beside the ones below, the way an import line does (tests: a throw-away area). */
  areas?: Type[];
}


// Resource areas: one import line each.
const contexts = [
  MailModule,
  IdentityModule,
  OnboardingModule,
  KeysModule,
  OAuthModule,
  AccessModule,
  ApprovalsModule,
  MembersModule,
  TeamsModule,
  SkillsModule,
  PluginsModule,
  MarketplacesModule,
  WorkersModule,
  ConnectorsModule,
  ProvidersModule,
  AuditModule,
];

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        DatabaseModule.forRoot({ shared: options.database }),
        SharedModule,
        HealthModule,
        MaintenanceModule,
        GatewayModule,
        WebModule,
        ...contexts,
        ...(options.areas ?? []),
      ],
      providers: [{ provide: TracingShutdown, useValue: new TracingShutdown(options.tracing) }],
    };
  }
}
