import { headers as natsHeaders, type JetStreamClient } from 'nats';

export const MSG_ID_HEADER = 'Nats-Msg-Id';

/**
 * Publishes already-serialized CloudEvents bytes. The event id doubles as `Nats-Msg-Id`, so a
 * republish after a crash (outbox relay) is dropped by JetStream's duplicate window.
 */
export async function publishEventBytes(js: JetStreamClient, subject: string, payload: Uint8Array, eventId: string): Promise<{ duplicate: boolean; seq: number }> {
  const headers = natsHeaders();
  headers.set('Content-Type', 'application/cloudevents+json');
  const ack = await js.publish(subject, payload, { msgID: eventId, headers });
  return { duplicate: ack.duplicate, seq: ack.seq };
}
