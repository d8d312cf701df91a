import { CreateTriggerSchema1764201700000 } from './1764201700000-create-trigger-schema';
import { DeliveryControl1764400000000 } from './1764400000000-delivery-control';
import { Workloads1764500000000 } from './1764500000000-workloads';
import { SealSigningSecrets1764800300000 } from './1764800300000-seal-signing-secrets';
import { DeliveriesQueueStatistics1764900000000 } from './1764900000000-deliveries-queue-statistics';
import { DeliveriesClaimIndexes1765000000000 } from './1765000000000-deliveries-claim-indexes';
import { PlanDeliveriesFunction1765100000000 } from './1765100000000-plan-deliveries-function';
import { DeliveryEventPayloads1765200000000 } from './1765200000000-delivery-event-payloads';
import { SupersedeByOrderingIndex1765300000000 } from './1765300000000-supersede-by-ordering-index';
import { DeleteOrphanedBuilds1765400000000 } from './1765400000000-delete-orphaned-builds';

/** trigger-dispatcher's schema, oldest first: the service and its Postgres tests migrate with the same list. */
export const TRIGGER_MIGRATIONS = [CreateTriggerSchema1764201700000, DeliveryControl1764400000000, Workloads1764500000000, SealSigningSecrets1764800300000, DeliveriesQueueStatistics1764900000000, DeliveriesClaimIndexes1765000000000, PlanDeliveriesFunction1765100000000, DeliveryEventPayloads1765200000000, SupersedeByOrderingIndex1765300000000, DeleteOrphanedBuilds1765400000000];
