/**
 * How many tasks a task set should run: the service's desiredCount times the task set's scale percentage, always
 * rounded up (AWS: "if the computed desired count is 1.2, it rounds up to 2 tasks").
 */
export interface Scale {
  readonly value: number;
  readonly unit: 'PERCENT';
}

export function computedDesiredCount(serviceDesiredCount: number, scale: Scale): number {
  // Multiply before dividing and trim float noise (e.g. 3 × 33.33 / 100) so whole results do not round up by one.
  const exact = (serviceDesiredCount * scale.value) / 100;
  return Math.ceil(Number(exact.toFixed(9)));
}
