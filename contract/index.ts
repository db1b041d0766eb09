/**
 * The contract between the product's parts: the state machines' names, their inputs' limits, their error names and
 * the structured result every execution reports.
 * The CDK app, the state-machine authoring, the Lambdas and the CLI import it; it imports nothing.
 */
export * from './errors';
export * from './input-fields';
export * from './inputs';
export * from './machines';
export * from './results';
export * from './traffic-shift';
export * from './green-watch';
export * from './lifecycle-hooks';
export * from './approvals';
export * from './outputs';
export * from './autoscaling';
export * from './alb-dimensions';
