/**
 * A slow live stream of plausible new records (services delivered, vouchers, contracts, patents,
 * late financial reports, talent, innovation events, now and then a meeting) for a running demo. It references only
 * entities of the seeded history (the same world, built from the same seed) and uses fresh
 * natural keys, so every record is a new event rather than a correction.
 */
import { shanghaiToday } from '../../contracts/dates.ts';
import type { IngestRecordInput } from '../../contracts/ingest.ts';
import { dayOf, isoOf, yearOf, dayFrom, type Day } from './calendar.ts';
import { Emitter, monthBatch } from './emitter.ts';
import { DEFAULT_ENTERPRISES, DEFAULT_FROM, DEFAULT_SEED } from './generateHistory.ts';
import { innovationEventData } from './phases/ecosystem.ts';
import { FINANCIALS_SOURCE, financialReport, reportsFor } from './phases/enterprises.ts';
import { meetingData, voucherData } from './phases/governance.ts';
import { SERVICE_PLATFORMS } from './phases/platforms.ts';
import { talentRecord } from './phases/talent.ts';
import { CONTRACT_SOURCE, LIVE_PATENT_SERIAL_FLOOR, contractData, patentGrant, patentNumber } from './phases/transfer.ts';
import { createRng, deriveSeed } from './random.ts';
import { activeAt, buildWorld, pickActiveFirm, type Firm } from './world.ts';

export interface TrickleOptions {
  seed?: number;
  /** Where records go: the platform's ingest (any error is passed to onError; the stream goes on). */
  ingest: (records: IngestRecordInput[]) => Promise<unknown>;
  /** Milliseconds between batches (default 1,000); each batch holds 2–5 records. */
  intervalMs?: number;
  now?: () => Date;
  /** Must match the history's options (defaults match generateHistory's). */
  from?: string;
  enterprises?: number;
  onError?: (error: unknown) => void;
}

export interface Trickle {
  /** Stops the stream and waits for the batch in flight. */
  stop(): Promise<void>;
}

function civilDay(now: Date): Day {
  return dayOf(shanghaiToday(now));
}

/**
 * Starts the live stream. The first batch is sent after one interval.
 * Records are dated today (Asia/Shanghai), except late annual reports, which carry their own
 * fixed late-filing date so that a restarted stream re-sends them as duplicates, not corrections.
 */
export function startTrickle(options: TrickleOptions): Trickle {
  const seed = options.seed ?? DEFAULT_SEED;
  const now = options.now ?? (() => new Date());
  const intervalMs = Math.max(10, options.intervalMs ?? 1_000);
  const from = dayOf(options.from ?? DEFAULT_FROM);
  const startedAt = now();
  const today0 = civilDay(startedAt);
  const world = buildWorld({ seed, from, to: today0, enterprises: options.enterprises ?? DEFAULT_ENTERPRISES });
  const rng = createRng(deriveSeed(seed, `trickle:${startedAt.getTime()}`));
  // A run's keys carry its start instant in base 36, so two runs never share one.
  const stamp = startedAt.getTime().toString(36).toUpperCase();
  let counter = 0;
  let meetingSent = false;

  const lateReports: Firm[] = rng.shuffle(
    world.firms.filter((f) => {
      const fy = yearOf(today0) - 1;
      return reportsFor(f, fy) && activeAt(f, today0) && financialReport(world, f, fy).filedOn === null;
    }),
  );

  function batch(): IngestRecordInput[] {
    const today = Math.max(today0, civilDay(now()));
    const year = yearOf(today);
    const out = new Emitter(today);
    const n = rng.int(2, 5);
    for (let i = 0; i < n; i++) {
      const key = `L${stamp}${(++counter).toString(36).toUpperCase()}`;
      const kind = rng.weighted([['service', 30], ['voucher', 20], ['contract', 25], ['patent', 15], ['financial', 4], ['talent', 5], ['activity', 2], ['meeting', 1]] as const);
      const firm = pickActiveFirm(world, rng, today);
      if (!firm) continue;
      switch (kind) {
        case 'service': {
          const platform = rng.pick(SERVICE_PLATFORMS.filter((p) => dayOf(p.on) < today));
          out.emit(today, 'PlatformServiceDelivered', { platformId: platform.id, serviceId: `${platform.id}-${key}`, clientUscc: firm.uscc, serviceType: rng.pick(platform.types), amount: Math.round(rng.logNormal(2.2, 1) * 100) / 100, deliveredOn: isoOf(today) }, { system: '公共技术服务平台', unit: '科创局', batch: monthBatch(platform.id, today) });
          break;
        }
        case 'voucher': {
          out.emit(today, 'InnovationVoucherRedeemed', voucherData(rng, `KJCXQ-${year}-${key}`, firm.uscc, rng.pick(SERVICE_PLATFORMS).name, today), { system: '科技创新券平台', unit: '科创局', batch: monthBatch('KJCXQ', today) });
          break;
        }
        case 'contract': {
          out.emit(today, 'TechContractRegistered', contractData(world, rng, firm, today, `${year}${firm.home.division}${key}`), { ...CONTRACT_SOURCE, batch: monthBatch('JSHT', today) });
          break;
        }
        case 'patent': {
          const type = rng.weighted([['发明', 7], ['实用新型', 72], ['外观设计', 21]] as const);
          // Live serials count up from the floor the history never uses.
          const serial = LIVE_PATENT_SERIAL_FLOOR + ((Math.floor(startedAt.getTime() / 1000) * 8 + counter) % 1_999_999);
          out.emit(today, 'PatentGranted', patentGrant(rng, { next: (y, t) => patentNumber(y, t, serial) }, firm, type, today), { system: '专利', unit: '市场监管局', batch: monthBatch('ZL', today) });
          break;
        }
        case 'financial': {
          const late = lateReports.pop();
          if (!late || !activeAt(late, today)) break;
          const fy = year - 1;
          const filedOn = Math.min(today, dayFrom(fy + 1, 7, 15));
          out.emit(filedOn, 'EnterpriseAnnualFinancialsReported', financialReport(world, late, fy).data, { ...FINANCIALS_SOURCE, batch: `${fy}年度企业研发与经营统计`, document: `${fy}年报(补报)` });
          break;
        }
        case 'talent': {
          out.emit(today, 'TalentIntroduced', talentRecord(rng, rng.pick(['科研助理', '毕业生留区', '科技特派员'] as const), `TAL-${year}-${key}`, firm, today), { system: '部门填报', unit: '组织部', batch: monthBatch('RCYJ', today) });
          break;
        }
        case 'activity': {
          out.emit(today, 'InnovationEventHeld', innovationEventData(rng, `CXHD-${year}-${key}`, today), { system: '部门填报', unit: '科创局', batch: monthBatch('CXHD', today) });
          break;
        }
        case 'meeting': {
          // At most one ad-hoc 科创办 session per run, so the meeting KPIs stay plausible.
          if (meetingSent) break;
          meetingSent = true;
          out.emit(today, 'GovernanceMeetingHeld', meetingData(rng, '科创办', `KCB-${year}-${key}`, `${year}年科技创新专题推进会`, today), { system: '部门填报', unit: '科创局', batch: monthBatch('ZWBS', today) });
          break;
        }
      }
    }
    return out.drain();
  }

  let inFlight: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || inFlight) return; // never pile up behind a slow ingest
    const records = batch();
    if (records.length === 0) return;
    inFlight = options
      .ingest(records)
      .then(
        () => undefined,
        (error: unknown) => options.onError?.(error),
      )
      .finally(() => {
        inFlight = undefined;
      });
  }, intervalMs);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}

