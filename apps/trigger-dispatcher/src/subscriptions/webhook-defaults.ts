export const WEBHOOK_DEFAULTS = Symbol('WEBHOOK_DEFAULTS');

export interface WebhookDefaults {
  timeoutSeconds: number;
}
