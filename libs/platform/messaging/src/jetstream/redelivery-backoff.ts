/** Delay before JetStream redelivers a message whose handler failed: 1 s doubling to 60 s. */
export function redeliveryDelayMs(deliveryCount: number): number {
  const exponent = Math.max(0, deliveryCount - 1);
  return Math.min(60_000, 1_000 * 2 ** Math.min(exponent, 16));
}
