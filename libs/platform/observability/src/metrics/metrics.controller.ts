import { Controller, Get, Header } from '@nestjs/common';
import { metricsRegistry } from './metric-registry';

/** `GET /metrics`: every metric of the process in Prometheus's text format. */
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
