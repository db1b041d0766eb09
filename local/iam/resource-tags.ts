/**
 * `aws:ResourceTag/…` for local authorization: the current tags of the ECS or ELBv2 resource a request names, and a
 * record of what each call was authorized with when it was made. The replay (least-privilege.ts) runs after the
 * flows, when the resources they deleted are gone; it must judge a DeleteTargetGroup by the tags the group had when
 * it was deleted, as IAM did, so it reads them from the record the authorize hook kept.
 */
import type { AuthorizationRequest } from './policy';
import {
  authorizationsFor,
  UnmappedOperationError,
  type AccountScope,
  type ApiCall,
  type AuthorizationOptions,
  type ResourceTagLookup,
} from './request-authorization';

/** What local AWS offers for the lookup (RunningLocalAws has both). */
export interface TaggedServices {
  readonly ecs: { tagsOf(arn: string): Readonly<Record<string, string>> | undefined };
  readonly elbv2: { tagsOf(arn: string): Readonly<Record<string, string>> | undefined };
}

/**
 * Tags by ARN from local ECS and ELBv2. `services` is read on every lookup, so the hook can be built before local AWS
 * is running; until then (and for ARNs of other services) there are no tags.
 */
export function localResourceTags(services: () => TaggedServices | undefined): ResourceTagLookup {
  return (arn) => {
    const running = services();
    if (!running) return undefined;
    if (/^arn:aws[a-z-]*:ecs:/.test(arn)) return running.ecs.tagsOf(arn);
    if (/^arn:aws[a-z-]*:elasticloadbalancing:/.test(arn)) return running.elbv2.tagsOf(arn);
    return undefined;
  };
}

/**
 * The authorizations of each call as they were when it was made (resource tags included), keyed by the call's input
 * object, which local AWS passes to the authorize hook and keeps in its call log record.
 */
export class AuthorizationRecord {
  private readonly seen = new WeakMap<object, readonly AuthorizationRequest[]>();

  constructor(
    private readonly scope: AccountScope,
    private readonly options: AuthorizationOptions = {},
  ) {}

  /** At call time: the call's authorizations with the resource's current tags, remembered for the replay. */
  authorize(call: ApiCall): AuthorizationRequest[] {
    const requests = authorizationsFor(call, this.scope, this.options);
    this.seen.set(call.input, requests);
    return requests;
  }

  /** Remembers a call nobody judges now (another principal), if it is one local IAM can map. */
  observe(call: ApiCall): void {
    try {
      this.authorize(call);
    } catch (error) {
      if (!(error instanceof UnmappedOperationError)) throw error;
    }
  }

  /**
   * For the replay: what the call was authorized with when it was made. A call the hook never saw (unsigned, or
   * refused before authorization) is mapped now, with the tags its resources have now.
   */
  readonly of = (call: ApiCall): AuthorizationRequest[] => [
    ...(this.seen.get(call.input) ?? authorizationsFor(call, this.scope, this.options)),
  ];
}
