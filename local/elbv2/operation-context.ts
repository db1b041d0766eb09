/** What every ELBv2 operation handler gets: the state, and the clock, network and data plane it drives. */
import type { Clock } from '../aws/clock';
import type { LocalNetwork } from '../aws/network';
import type { Elbv2DataPlane } from './data-plane';
import type { Input, Output } from './input';
import type { Elbv2Store } from './store';

export interface Elbv2Options {
  readonly clock: Clock;
  readonly network: LocalNetwork;
  readonly region: string;
  readonly accountId: string;
  /** Where an ALB listener port (80, 8080, …) really listens on this machine. */
  readonly listenerPort: (albPort: number) => number;
  /** The command-line option that changes a listener's local port, named in port-in-use errors. */
  readonly listenerPortOption?: (albPort: number) => string;
  readonly dataPlane: Elbv2DataPlane;
}

export interface OperationContext {
  readonly store: Elbv2Store;
  readonly options: Elbv2Options;
}

export type OperationHandler = (ctx: OperationContext, input: Input) => Output | Promise<Output>;
