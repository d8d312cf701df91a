export const WEBHOOK_DEFAULTS = Symbol('WEBHOOK_DEFAULTS');
/** The {@link CompiledAddressPolicy} webhook receivers must satisfy. */
export const WEBHOOK_ADDRESS_POLICY = Symbol('WEBHOOK_ADDRESS_POLICY');

export interface WebhookDefaults {
  timeoutSeconds: number;
  secretRotationGraceSeconds: number;
}
