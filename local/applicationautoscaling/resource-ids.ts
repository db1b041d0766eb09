/**
 * The identifiers target tracking on an ECS service uses: the resource ID `service/CLUSTER/SERVICE` and the
 * ALBRequestCountPerTarget resource label `app/LB-NAME/LB-ID/targetgroup/TG-NAME/TG-ID` (the final parts of the load
 * balancer's and the target group's ARNs, which are also the `LoadBalancer` and `TargetGroup` dimensions of
 * AWS/ApplicationELB metrics).
 */

export interface EcsServiceId {
  readonly cluster: string;
  readonly service: string;
}

const SERVICE_RESOURCE_ID = /^service\/([^/]+)\/([^/]+)$/;
const RESOURCE_LABEL = /^(app\/[^/]+\/[^/]+)\/(targetgroup\/[^/]+\/[^/]+)$/;

export function ecsServiceId(resourceId: string): EcsServiceId | undefined {
  const match = SERVICE_RESOURCE_ID.exec(resourceId);
  return match?.[1] && match[2] ? { cluster: match[1], service: match[2] } : undefined;
}

export interface ResourceLabel {
  /** The `LoadBalancer` dimension: `app/NAME/ID`. */
  readonly loadBalancer: string;
  /** The `TargetGroup` dimension: `targetgroup/NAME/ID`. */
  readonly targetGroup: string;
}

export function resourceLabel(label: string): ResourceLabel | undefined {
  const match = RESOURCE_LABEL.exec(label);
  return match?.[1] && match[2] ? { loadBalancer: match[1], targetGroup: match[2] } : undefined;
}
