/**
 * Issues the report of each period that has just closed (the last full month, quarter, half and
 * year), once: on start when the data is ready and then on a timer. A period is issued as known at
 * the moment of issue; late records and corrections after that show as restatements in the next report.
 */
import { shanghaiToday } from '../../contracts/dates.ts';
import type { IssuedReport, ReportService } from './service.ts';

export interface ReportSchedulerLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ReportScheduler {
  /** Issues what is due now; resolves with what it issued. */
  runOnce(): Promise<IssuedReport[]>;
  start(): void;
  stop(): Promise<void>;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The last closed month, quarter, half and year on a day (YYYY-MM-DD). */
export function lastClosedPeriods(today: string): string[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const month = m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
  const q = Math.ceil(m / 3) - 1;
  const quarter = q === 0 ? `${y - 1}-Q4` : `${y}-Q${q}`;
  const half = m <= 6 ? `${y - 1}-H2` : `${y}-H1`;
  return [month, quarter, half, String(y - 1)];
}

export function createReportScheduler(deps: {
  service: ReportService;
  /** Whether the data is complete enough to issue (projections live, sample seeding done). */
  ready(): Promise<boolean>;
  now?: () => Date;
  intervalMs?: number;
  log?: ReportSchedulerLog;
}): ReportScheduler {
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<IssuedReport[]> | null = null;
  let stopped = false;

  async function issueDue(): Promise<IssuedReport[]> {
    if (!(await deps.ready())) return [];
    const at = now();
    const out: IssuedReport[] = [];
    for (const period of lastClosedPeriods(shanghaiToday(at))) {
      if (stopped) break;
      const started = Date.now();
      const issued = await deps.service.issue(period, at);
      if (issued) {
        out.push(issued);
        deps.log?.info({ period, asOf: issued.asOf, seconds: (Date.now() - started) / 1000 }, `issued the assessment report of ${period}`);
      }
    }
    return out;
  }

  function runOnce(): Promise<IssuedReport[]> {
    running ??= issueDue().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    runOnce,
    start() {
      const tick = () => {
        runOnce().catch((err: unknown) => deps.log?.warn({ err }, 'issuing a periodic report failed (retried on the next tick)'));
      };
      timer = setInterval(tick, deps.intervalMs ?? 60_000);
      timer.unref();
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
