import { BAD_VERSION_BAKE_SECONDS, BAD_VERSION_ERROR_PERCENT, POLL_BAKE_PERIOD_SECONDS } from './bad-version';
import type { AutoscalingMeasurement } from './autoscaling';
import { GREEN_UNHEALTHY_AFTER_SWAP } from './crash';
import type { BenchOptions, DesiredCountResult } from './run';
import type { Spread } from './stats';

interface Row {
  readonly label: string;
  readonly key: string;
  readonly digits?: number;
  /** Renders the cell from the raw runs instead of the figure at `key` (e.g. "5/5" for a yes/no outcome). */
  readonly render?: (r: DesiredCountResult) => string;
}
type Section = readonly [string, readonly Row[]];

const phase = (name: string, key: string): Row[] => [
  { label: `${name}: requests`, key: `production.${key}.requests` },
  { label: `${name}: req/s`, key: `production.${key}.requestsPerSecond` },
  { label: `${name}: non-2xx`, key: `production.${key}.non2xx` },
  { label: `${name}: connection errors`, key: `production.${key}.connectionErrors` },
  { label: `${name}: p50 ms`, key: `production.${key}.p50Ms`, digits: 1 },
  { label: `${name}: p99 ms`, key: `production.${key}.p99Ms`, digits: 1 },
  { label: `${name}: max ms`, key: `production.${key}.maxMs`, digits: 1 },
];

const machine = (name: string, key: string): Row[] => [
  { label: `${name}: state transitions`, key: `${key}.stateTransitions` },
  { label: `${name}: controller API calls`, key: `${key}.apiCalls` },
  { label: `${name}: Step Functions cost, USD`, key: `${key}.costUsd`, digits: 6 },
];

const SECTIONS: readonly Section[] = [
  [
    'Production under load, whole flow (deploy-green → swap → clean-up)',
    [...phase('whole flow', 'whole'), ...phase('before (blue only)', 'baseline'), ...phase('during swap', 'swap')],
  ],
  [
    'Production during deploy-green and clean-up',
    [
      { label: 'deploy-green: non-2xx', key: 'production.deployGreen.non2xx' },
      { label: 'deploy-green: connection errors', key: 'production.deployGreen.connectionErrors' },
      { label: 'deploy-green: p99 ms', key: 'production.deployGreen.p99Ms', digits: 1 },
      { label: 'clean-up: non-2xx', key: 'production.cleanUp.non2xx' },
      { label: 'clean-up: connection errors', key: 'production.cleanUp.connectionErrors' },
      { label: 'clean-up: p99 ms', key: 'production.cleanUp.p99Ms', digits: 1 },
    ],
  ],
  [
    'Cutover on production (wall ms relative to swap StartExecution)',
    [
      { label: 'blue last seen', key: 'cutover.blueLastMs' },
      { label: 'green first seen', key: 'cutover.greenFirstMs' },
      { label: 'blue completions after first green', key: 'cutover.blueAfterGreenByCompletion' },
      { label: 'blue after green (sent after green seen)', key: 'cutover.violations' },
      { label: 'other responses during swap', key: 'cutover.otherResponses' },
    ],
  ],
  [
    'Test URL under load during deploy-green',
    [
      { label: 'requests', key: 'test.requests' },
      { label: '503 fixed response (before it opens)', key: 'test.fixed503' },
      { label: '2xx from green', key: 'test.green2xx' },
      { label: 'anything else (goal 0)', key: 'test.other' },
      { label: 'connection errors', key: 'test.connectionErrors' },
      { label: 'test rule moved → first green response completes, ms', key: 'test.firstGreenAfterOpenMs' },
    ],
  ],
  [
    'Controller overhead',
    [
      { label: 'green healthy → deploy-green ready, emulated s', key: 'overhead.healthyToReadyEmulatedS', digits: 2 },
      { label: 'green healthy → deploy-green ready, wall ms', key: 'overhead.healthyToReadyWallMs' },
      { label: '…of which waiting for the next poll, wall ms', key: 'overhead.healthyToGateCallWallMs' },
      { label: 'deploy-green health polls', key: 'overhead.healthPolls' },
      { label: 'deploy-green poll period, emulated s', key: 'overhead.healthPollPeriodEmulatedS', digits: 2 },
      { label: 'swap start → production rule moved, wall ms', key: 'overhead.swapToProductionRuleWallMs' },
      { label: 'swap start → first green response, wall ms', key: 'overhead.swapToFirstGreenWallMs' },
      { label: 'swap critical path: API calls', key: 'overhead.swapCriticalPathCalls' },
    ],
  ],
  [
    'Per state machine (Step Functions standard, $0.025 per 1,000 transitions)',
    [
      ...machine('deploy-green', 'machines.deployGreen'),
      ...machine('swap', 'machines.swap'),
      ...machine('clean-up', 'machines.cleanUp'),
      ...machine('whole flow', 'machines.flow'),
    ],
  ],
  [
    'Failure paths',
    [
      {
        label: 'never-healthy green → undo complete, emulated s',
        key: 'failure.unhealthyToUndoneEmulatedS',
        digits: 1,
      },
      { label: 'never-healthy green → undo complete, wall ms', key: 'failure.unhealthyToUndoneWallMs' },
      {
        label: 'crash-looping green (600 s timeout) → undo complete, emulated s',
        key: 'failure.crashLoopToUndoneEmulatedS',
        digits: 1,
      },
      { label: 'crash-looping green: health polls before it failed fast', key: 'failure.crashLoopHealthPolls' },
      {
        label: 'green failing health checks (600 s timeout) → undo complete, emulated s',
        key: 'failure.failingChecksToUndoneEmulatedS',
        digits: 1,
      },
      { label: 'green failing health checks: health polls', key: 'failure.failingChecksHealthPolls' },
      { label: 'rollback start → production rule back, wall ms', key: 'failure.rollbackToProductionRuleWallMs' },
      { label: 'rollback start → last green response, wall ms', key: 'failure.rollbackToLastGreenWallMs' },
      { label: 'rollback total, wall ms', key: 'failure.rollbackTotalWallMs' },
      { label: 'production non-2xx during failure paths', key: 'failure.production.non2xx' },
      { label: 'production connection errors during failure paths', key: 'failure.production.connectionErrors' },
      ...machine('failed deploy-green', 'failure.machines.failedDeployGreen'),
      ...machine('rollback', 'failure.machines.rollback'),
    ],
  ],
  [
    "Green crash during swap's bake (every green task SIGKILLed right after the bake's green watch began; production under load)",
    [
      { label: 'production rule → green, then kill, emulated s', key: 'crash.swapToKillEmulatedS', digits: 2 },
      { label: 'kill → green watch woke swap, emulated s', key: 'crash.killToWakeEmulatedS', digits: 2 },
      { label: 'kill → green watch woke swap, wall ms', key: 'crash.killToWakeWallMs', digits: 0 },
      {
        label: 'kill → production rule back on blue, emulated s',
        key: 'crash.killToProductionRuleBackEmulatedS',
        digits: 2,
      },
      { label: 'kill → production rule back on blue, wall ms', key: 'crash.killToProductionRuleBackWallMs' },
      { label: 'kill → first blue response, emulated s', key: 'crash.killToFirstBlueEmulatedS', digits: 2 },
      { label: 'kill → first blue response, wall ms', key: 'crash.killToFirstBlueWallMs' },
      { label: 'kill → first blue: production requests', key: 'crash.untilBlue.requests' },
      { label: 'kill → first blue: non-2xx', key: 'crash.untilBlue.non2xx' },
      { label: '…of which 502 (the dead task could not be reached)', key: 'crash.untilBlue.status502' },
      { label: '…of which 503 (no registered target left)', key: 'crash.untilBlue.status503' },
      { label: 'kill → first blue: connection errors', key: 'crash.untilBlue.connectionErrors' },
      { label: 'kill → first blue: 2xx from green (in flight, or a replacement)', key: 'crash.untilBlue.green2xx' },
      {
        label: 'a replacement green task answered before blue was back (runs)',
        key: 'crash.killToReplacementGreenWallMs',
        render: (r) =>
          r.crashes.length ? `${r.crashes.filter((c) => c.replacementGreenAnswered).length}/${r.crashes.length}` : '—',
      },
      { label: '…kill → its first answer, wall ms (those runs)', key: 'crash.killToReplacementGreenWallMs' },
      { label: 'after the first blue response: non-2xx', key: 'crash.afterBlue.non2xx' },
      { label: 'after the first blue response: connection errors', key: 'crash.afterBlue.connectionErrors' },
      { label: 'kill → last failed response, wall ms', key: 'crash.killToLastFailureWallMs' },
      { label: 'before the kill (swap cutover): non-2xx', key: 'crash.beforeKill.non2xx' },
      {
        label: `swap ended ${GREEN_UNHEALTHY_AFTER_SWAP}, production on blue (runs)`,
        key: 'crash.productionOnBlue',
        render: (r) => {
          const undone = r.crashes.filter((c) => c.swapError === GREEN_UNHEALTHY_AFTER_SWAP && c.productionOnBlue);
          return r.crashes.length ? `${undone.length}/${r.crashes.length}` : '—';
        },
      },
      ...machine('swap with its undo', 'crash.machines.swap'),
    ],
  ],
  [
    `Bad version under production traffic (${BAD_VERSION_ERROR_PERCENT} % of production requests answer 500; swap with a ${BAD_VERSION_BAKE_SECONDS}-second bake, production under load)`,
    [
      {
        label: 'production rule → green, then first failed request, emulated s',
        key: 'badVersion.swapToFirstErrorEmulatedS',
        digits: 2,
      },
      {
        label: 'first failed request → green watch woke swap, emulated s',
        key: 'badVersion.firstErrorToWakeEmulatedS',
        digits: 1,
      },
      {
        label: "…of which until the alarm's 60 s period closed, emulated s",
        key: 'badVersion.firstErrorToPeriodCloseEmulatedS',
        digits: 1,
      },
      {
        label: 'first failed request → production rule back on blue, emulated s',
        key: 'badVersion.firstErrorToRuleBackEmulatedS',
        digits: 1,
      },
      {
        label: 'first failed request → first blue response, emulated s',
        key: 'badVersion.firstErrorToFirstBlueEmulatedS',
        digits: 1,
      },
      {
        label: "first failed request → blue only (bad version's last answer), emulated s",
        key: 'badVersion.firstErrorToBlueOnlyEmulatedS',
        digits: 1,
      },
      { label: 'first failed request → blue only, wall ms', key: 'badVersion.firstErrorToBlueOnlyWallMs' },
      { label: 'first failed request → blue only: production requests', key: 'badVersion.untilBlueOnly.requests' },
      {
        label: 'first failed request → blue only: failed (non-2xx + connection errors)',
        key: 'badVersion.failedUntilBlueOnly',
      },
      {
        label: 'after blue only: non-2xx + connection errors',
        key: 'badVersion.afterBlueOnly.non2xx',
        render: (r) => failuresAfter(r),
      },
      { label: 'before the swap (blue only): non-2xx', key: 'badVersion.beforeSwap.non2xx' },
      { label: "bad version's measured error share, %", key: 'badVersion.measuredErrorPercent', digits: 2 },
      {
        label: 'production req/s while the bad version served it, per emulated s',
        key: 'badVersion.requestsPerEmulatedSecond',
        digits: 1,
      },
      { label: '…per wall s', key: 'badVersion.requestsPerWallSecond' },
      {
        label: `swap ended ${GREEN_UNHEALTHY_AFTER_SWAP}, production on blue (runs)`,
        key: 'badVersion.productionOnBlue',
        render: (r) => {
          const undone = r.badVersions.filter((b) => b.swapError === GREEN_UNHEALTHY_AFTER_SWAP && b.productionOnBlue);
          return r.badVersions.length ? `${undone.length}/${r.badVersions.length}` : '—';
        },
      },
      {
        label: '…woken by the built-in 5XX alarm (runs)',
        key: 'badVersion.alarm',
        render: (r) =>
          r.badVersions.length
            ? `${r.badVersions.filter((b) => b.alarm.endsWith('-green-5xx')).length}/${r.badVersions.length}`
            : '—',
      },
      ...machine('swap with its undo', 'badVersion.machines.swap'),
      {
        label: `poll-based bake: target health polls (every ${POLL_BAKE_PERIOD_SECONDS} emulated s while bad was live), degraded`,
        key: 'badVersion.targetHealthPollsDegraded',
        render: (r) => {
          const polls = r.badVersions.reduce((n, b) => n + b.targetHealthPolls, 0);
          const degraded = r.badVersions.reduce((n, b) => n + b.targetHealthPollsDegraded, 0);
          return r.badVersions.length ? `${degraded} of ${polls}` : '—';
        },
      },
      {
        label: `poll-based bake: failed requests over the ${BAD_VERSION_BAKE_SECONDS} s bake (DERIVED, not run)`,
        key: 'badVersion.pollBased.derivedFailedOverBake',
      },
    ],
  ],
];

/** Failed requests (non-2xx and connection errors) after production answered from blue only, per run. */
function failuresAfter(r: DesiredCountResult): string {
  if (r.badVersions.length === 0) return '—';
  const counts = r.badVersions.map((b) => b.afterBlueOnly.non2xx + b.afterBlueOnly.connectionErrors);
  return Math.min(...counts) === Math.max(...counts)
    ? String(counts[0] ?? 0)
    : `${Math.min(...counts)}–${Math.max(...counts)}`;
}

function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}

function cell(s: Spread | undefined, digits = 0): string {
  if (!s || s.n === 0) return '—';
  if (s.min === s.max) return format(s.median, digits);
  return `${format(s.median, digits)} [${format(s.min, digits)}–${format(s.max, digits)}]`;
}

export function renderTable(
  info: { cpuModel: string; cores: number; node: string; date: string; timeScale: number },
  options: BenchOptions,
  results: readonly DesiredCountResult[],
): string {
  const header = ['figure (median [min–max])', ...results.map((r) => `desired ${r.desiredCount}`)];
  const lines: string[][] = [];
  const sectionAt = new Map<number, string>();
  for (const [title, rows] of SECTIONS) {
    sectionAt.set(lines.length, title);
    for (const row of rows) {
      lines.push([row.label, ...results.map((r) => row.render?.(r) ?? cell(r.figures[row.key], row.digits))]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cols: readonly string[]): string =>
    `| ${cols.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const out = [
    `ecs-bluegreen bench — ${info.cpuModel}, ${info.cores} cores, node ${info.node}, ${info.date}`,
    `timeScale ${info.timeScale} (1 emulated s = ${info.timeScale * 1000} wall ms), ${options.runs} run(s) per desired ` +
      `count, ${options.connections} connections on production, ${options.testConnections} on test during deploy-green`,
    '',
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
  ];
  lines.forEach((l, i) => {
    const title = sectionAt.get(i);
    if (title) out.push(fmt([`**${title}**`, ...results.map(() => '')]));
    out.push(fmt(l));
  });
  out.push(
    '',
    `Wall time per desired count: ${results.map((r) => `${r.desiredCount}: ${(r.wallMs / 1000).toFixed(1)} s`).join(', ')}`,
  );
  return out.join('\n');
}

/** The autoscaling scenario (bench/autoscaling.ts, one run): its figures as a two-column table. */
export function renderAutoscalingTable(m: AutoscalingMeasurement): string {
  const n = (v: number, digits = 0): string => format(v, digits);
  const e = m.executions;
  const rows: Array<[string, string]> = [
    ['load asked / delivered, req per wall s', `${m.loadRatePerWallSecond} / ${n(m.measuredRatePerWallSecond)}`],
    ['capacity target tracking wants at the delivered rate', String(m.capacityWantedAtMeasuredRate)],
    ['desired count before / max / after', `${m.desiredBefore} / ${m.desiredMax} / ${m.desiredAfter}`],
    [`load start → ${m.scaling.maxCapacity} desired, emulated s`, n(m.loadStartToMaxDesiredEmulatedS, 1)],
    [`load start → ${m.scaling.maxCapacity} running on production, emulated s`, n(m.loadStartToMaxRunningEmulatedS, 1)],
    [`load start → ${m.scaling.maxCapacity} healthy on production, emulated s`, n(m.loadStartToMaxHealthyEmulatedS, 1)],
    ['first scale-out during', m.scaleOutPhase],
    ['scaling activities', String(m.activities.length)],
    [
      `production p50 / p99 / max ms, scale-out → ${m.scaling.maxCapacity} healthy`,
      `${n(m.duringScaleOut.p50Ms, 1)} / ${n(m.duringScaleOut.p99Ms, 1)} / ${n(m.duringScaleOut.maxMs, 1)}`,
    ],
    ['production requests', String(m.production.whole.requests)],
    ['production non-2xx (goal 0)', String(m.production.whole.non2xx)],
    ['production connection errors (goal 0)', String(m.production.whole.connectionErrors)],
    ['production p99 ms (whole / swap)', `${n(m.production.whole.p99Ms, 1)} / ${n(m.production.swap.p99Ms, 1)}`],
    ['deploy-green / swap / clean-up', `${e.deployGreen.status} / ${e.swap.status} / ${e.cleanUp.status}`],
    ["policy tracks production's target group after clean-up", m.policy.tracksProduction ? 'yes' : 'NO'],
    ['scale-in after clean-up', m.policy.scaleInDisabled ? 'disabled' : 'enabled'],
  ];
  const title =
    `Autoscaling ${m.scaling.minCapacity} → ${m.scaling.maxCapacity} during deploy-green → swap ` +
    `(${m.bakeSeconds} s bake) → clean-up under load (1 run)`;
  const width = Math.max(title.length + 4, ...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  return [
    `| ${`**${title}**`.padEnd(width)} | ${''.padStart(valueWidth)} |`,
    `|${'-'.repeat(width + 2)}|${'-'.repeat(valueWidth + 2)}|`,
    ...rows.map(([label, value]) => `| ${label.padEnd(width)} | ${value.padStart(valueWidth)} |`),
  ].join('\n');
}
