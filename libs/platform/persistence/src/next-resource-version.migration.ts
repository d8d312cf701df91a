import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NEXT_RESOURCE_VERSION_FUNCTION_SQL, RESOURCE_VERSION_WRITERS_FUNCTION_SQL } from './resource-version';

/**
 * For each service whose changes are watched (its migration list includes this): watched changes
 * take their resourceVersion from `next_resource_version()`, which gives the transaction its id
 * first, so watches and lists can wait for writes still in flight (`settledResourceVersion`)
 * instead of moving past them.
 */
export class NextResourceVersion1765000000000 implements MigrationInterface {
  name = 'NextResourceVersion1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(NEXT_RESOURCE_VERSION_FUNCTION_SQL);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP FUNCTION next_resource_version()');
  }
}

/**
 * `next_resource_version()` marks its transaction with the writers' lock instead of an id, so a
 * watch waits only for this schema's writers, not for every transaction of the cluster.
 */
export class ResourceVersionWriters1765000100000 implements MigrationInterface {
  name = 'ResourceVersionWriters1765000100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(RESOURCE_VERSION_WRITERS_FUNCTION_SQL);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP FUNCTION next_resource_version()');
    await runner.query(NEXT_RESOURCE_VERSION_FUNCTION_SQL);
  }
}
