/**
 * The error names the state machines fail with (the execution's `error`), stated once. Each names one situation;
 * the cause says what was found, what was undone and what to run next.
 */
export const ERRORS = {
  /** An input field is missing or out of range; nothing was changed. */
  invalidInput: 'BlueGreen.InvalidInput',
  /** The service does not exist (or is not ACTIVE). */
  serviceNotFound: 'BlueGreen.ServiceNotFound',
  /** The service is not one this controller can drive (e.g. not the EXTERNAL deployment controller). */
  invalidService: 'BlueGreen.InvalidService',
  /** Another operation holds the service's lease. */
  operationInProgress: 'BlueGreen.OperationInProgress',
  /** A green deployment (or a previous version kept for rollback) is already there. */
  deploymentInProgress: 'BlueGreen.DeploymentInProgress',
  /** An interrupted swap must be finished (swap) or undone (rollback) first. */
  swapUnfinished: 'BlueGreen.SwapUnfinished',
  /** An interrupted rollback must be finished first. */
  rollbackUnfinished: 'BlueGreen.RollbackUnfinished',
  /** The deployment record disagrees with what AWS has. */
  recordDrift: 'BlueGreen.RecordDrift',
  /** A resource at the controller's place lacks its owner tags: it is never touched. */
  foreignRule: 'BlueGreen.ForeignRule',
  greenNotHealthy: 'BlueGreen.GreenNotHealthy',
  /**
   * deploy-green gave up before its health timeout: green's tasks kept stopping on their own, or its targets kept
   * failing health checks (FAIL_FAST_THRESHOLD times); the cause quotes ECS's and ELBv2's reasons.
   */
  greenTasksFailing: 'BlueGreen.GreenTasksFailing',
  greenTaskSetMissing: 'BlueGreen.GreenTaskSetMissing',
  greenUnhealthyAfterSwap: 'BlueGreen.GreenUnhealthyAfterSwap',
  /** Green turned unhealthy while production was split between blue and green: production went back to blue. */
  greenUnhealthyDuringShift: 'BlueGreen.GreenUnhealthyDuringShift',
  /**
   * Production forwards to blue and green by weight (a traffic shift in progress) where this operation needs one
   * version: finish the shift (swap) or go back (rollback) first.
   */
  productionSplit: 'BlueGreen.ProductionSplit',
  greenNotSwapped: 'BlueGreen.GreenNotSwapped',
  /** A lifecycle hook answered FAILED, failed, or did not answer within its timeout (contract/lifecycle-hooks.ts). */
  lifecycleHookFailed: 'BlueGreen.LifecycleHookFailed',
  nothingToSwap: 'BlueGreen.NothingToSwap',
  /**
   * swap or clean-up with awaitApproval: nothing to approve at its stage as the wait begins (no green under test, or
   * production does not serve a swapped green) (contract/approvals.ts).
   */
  nothingToApprove: 'BlueGreen.NothingToApprove',
  /** swap after approval: the approved green is no longer the one under test (contract/approvals.ts). */
  approvedGreenGone: 'BlueGreen.ApprovedGreenGone',
  /** clean-up after approval: production no longer serves the approved version (contract/approvals.ts). */
  approvedLiveGone: 'BlueGreen.ApprovedLiveGone',
  alreadySwapped: 'BlueGreen.AlreadySwapped',
  notSwapped: 'BlueGreen.NotSwapped',
  nothingLive: 'BlueGreen.NothingLive',
  liveNotHealthy: 'BlueGreen.LiveNotHealthy',
  previousGone: 'BlueGreen.PreviousGone',
  previousDraining: 'BlueGreen.PreviousDraining',
  previousNotHealthy: 'BlueGreen.PreviousNotHealthy',
  drainTimeout: 'BlueGreen.DrainTimeout',
  /** A step failed and its undo failed too: what the run made may still exist. */
  undoFailed: 'BlueGreen.UndoFailed',
  unexpectedState: 'BlueGreen.UnexpectedState',
} as const;

export type ErrorName = (typeof ERRORS)[keyof typeof ERRORS];
export const ERROR_NAMES: readonly ErrorName[] = Object.values(ERRORS);
