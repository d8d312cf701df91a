import { type DynamicModule, Module } from '@nestjs/common';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLog } from './audit-log';
import { AUDIT_SETTINGS, AuditPruner, type AuditSettings } from './audit-pruner';

/**
 * The audit trail: AuditLog (fed by the auditTrail middleware, which configureHttpEdge installs
 * when the app has this module), its pruning, and `GET .../auditevents`. Needs the gateway's database.
 */
@Module({})
export class AuditModule {
  static register(settings: AuditSettings): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditEventsController],
      providers: [{ provide: AUDIT_SETTINGS, useValue: settings }, AuditEventsRepository, AuditLog, AuditPruner],
      exports: [AuditLog],
    };
  }
}
