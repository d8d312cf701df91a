import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Statuses, StatusError, type RequestDefinition, type Status } from '@imagestreams/contracts';
import { loadConfig } from '@imagestreams/platform-config';
import { NATS_CONNECTION, OwnerClient } from '@imagestreams/platform-messaging';
import type { Server } from 'node:http';
import { AppModule } from '../app.module';
import { configureHttpEdge } from '../http/http-edge';
import { RegistryGatewayConfig } from '../registry-gateway.config';

/**
 * Unit-level stand-ins, for specs only: the end-to-end suite runs the gateway against real NATS
 * and real owners. Everything else (module, controllers, parser, filter) is the production wiring.
 */

type Handler = (payload: unknown) => unknown;

/** Answers owner requests by subject and records what was sent, as it would go over the wire. */
export class FakeOwnerClient {
  readonly calls: { subject: string; payload: unknown }[] = [];
  private readonly handlers = new Map<string, Handler>();

  answer<TRequest extends object, TReply>(definition: RequestDefinition<TRequest, TReply>, handler: (payload: TRequest) => TReply | Promise<TReply>): void {
    this.handlers.set(definition.subject, handler as Handler);
  }

  fail<TRequest extends object, TReply>(definition: RequestDefinition<TRequest, TReply>, status: Status): void {
    this.handlers.set(definition.subject, () => {
      throw new StatusError(status);
    });
  }

  /** Simulates a bug in the client path: an error that is not a StatusError. */
  crash<TRequest extends object, TReply>(definition: RequestDefinition<TRequest, TReply>, error: Error): void {
    this.handlers.set(definition.subject, () => {
      throw error;
    });
  }

  async request<TRequest extends object, TReply>(definition: RequestDefinition<TRequest, TReply>, payload: TRequest): Promise<TReply> {
    // JSON round trip: assertions see what NATS would carry, not the validated class instances.
    const wire: unknown = JSON.parse(JSON.stringify(payload));
    this.calls.push({ subject: definition.subject, payload: wire });
    const handler = this.handlers.get(definition.subject);
    if (!handler) throw new StatusError(Statuses.serviceUnavailable(`no service is answering ${definition.subject}`));
    return (await handler(wire)) as TReply;
  }

  async requestJson<TRequest extends object>(definition: RequestDefinition<TRequest, unknown>, payload: TRequest): Promise<Buffer> {
    return Buffer.from(JSON.stringify(await this.request(definition, payload)));
  }

  subjects(): string[] {
    return this.calls.map((call) => call.subject);
  }
}

/** The parts of NatsConnection the gateway touches: readiness and shutdown drain. */
export class FakeNatsConnection {
  closed = false;
  rtt: () => Promise<number> = async () => 0.4;

  isClosed(): boolean {
    return this.closed;
  }

  isDraining(): boolean {
    return false;
  }

  async drain(): Promise<void> {
    this.closed = true;
  }
}

export interface TestGateway {
  app: INestApplication;
  http: Server;
  owners: FakeOwnerClient;
  nats: FakeNatsConnection;
}

export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const config = loadConfig(RegistryGatewayConfig, { LOG_LEVEL: 'silent', ...env });
  const owners = new FakeOwnerClient();
  const nats = new FakeNatsConnection();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config, { registry: false })] })
    .overrideProvider(NATS_CONNECTION)
    .useValue(nats)
    .overrideProvider(OwnerClient)
    .useValue(owners)
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureHttpEdge(app, { maxBodyBytes: config.MAX_BODY_BYTES, registry: false });
  await app.init();
  return { app, http: app.getHttpServer() as Server, owners, nats };
}

export const DIGEST = `sha256:${'a1'.repeat(32)}`;

export function mappingBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { metadata: { name: 'web' }, image: { metadata: { name: DIGEST } }, tag: 'latest', ...overrides };
}
