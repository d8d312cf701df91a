import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { counter, gauge, METRIC_PREFIX, sharedSample } from '@imagestreams/platform-observability';
import type { DataSource } from 'typeorm';

/** Every image looked up in an external registry: ImageStreamImport (and previews), spec-tag and scheduled imports. */
export const imageImports = counter({
  name: `${METRIC_PREFIX}image_imports_total`,
  help: 'Images imported from external registries, by result (success, failure) and, for failures, the Status reason (NotFound, Unauthorized, Forbidden, NotV2Registry, Invalid, InternalError, ...).',
  labelNames: ['result', 'reason'] as const,
});

interface ScheduleSample {
  due: number;
  lagSeconds: number;
}

const sources = new Set<() => Promise<ScheduleSample>>();

/** One query per scrape for both gauges; NaN when the database cannot be read. */
const sampleSchedule = sharedSample(async (): Promise<ScheduleSample | undefined> => {
  const samples = await Promise.all([...sources].map((source) => source().catch(() => undefined)));
  if (samples.length === 0 || samples.some((sample) => sample === undefined)) return undefined;
  const known = samples as ScheduleSample[];
  return { due: known.reduce((sum, sample) => sum + sample.due, 0), lagSeconds: Math.max(...known.map((sample) => sample.lagSeconds)) };
});

gauge({
  name: `${METRIC_PREFIX}import_schedule_lag_seconds`,
  help: 'How late the scheduled imports are: now minus next_check_at of the oldest due tag, 0 when none is due (sampled on scrape).',
  async collect() {
    this.set((await sampleSchedule())?.lagSeconds ?? Number.NaN);
  },
});

gauge({
  name: `${METRIC_PREFIX}import_schedule_due_tags`,
  help: 'Scheduled tags whose check is due now, claimed or not (sampled on scrape).',
  async collect() {
    this.set((await sampleSchedule())?.due ?? Number.NaN);
  },
});

/** Registers this process's schedule table with the gauges (the `scheduled_tags_due` index answers the query). */
@Injectable()
export class ImportScheduleMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly source = () => this.sample();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    sources.add(this.source);
  }

  onModuleDestroy(): void {
    sources.delete(this.source);
  }

  private async sample(): Promise<ScheduleSample> {
    const [row]: { due: number; lag_seconds: number | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS due, EXTRACT(EPOCH FROM clock_timestamp() - min(next_check_at))::float8 AS lag_seconds
       FROM scheduled_tags WHERE next_check_at <= clock_timestamp()`,
    );
    return { due: Number(row?.due ?? 0), lagSeconds: Math.max(0, Number(row?.lag_seconds ?? 0)) };
  }
}
