import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { patentCheckOk } from '../../contracts/identifiers.ts';
import { IngestRecord, type IngestRecordInput } from '../../contracts/ingest.ts';
import { generateHistory } from '../../services/seed/generateHistory.ts';
import { startTrickle, type Trickle } from '../../services/seed/trickle.ts';

const SEED = 7;
const TODAY = '2026-11-29';
// Noon in Shanghai on TODAY.
const now = (): Date => new Date(`${TODAY}T04:00:00Z`);

type Rec = { type: string; occurredAt?: string; data: Record<string, unknown> };

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

let active = new Set<string>();
const historyKeys = new Set<string>();
let running: Trickle | undefined;

function naturalKey(r: Rec): string | undefined {
  const d = r.data;
  switch (r.type) {
    case 'PlatformServiceDelivered': return `s/${String(d.serviceId)}`;
    case 'InnovationVoucherRedeemed': return `v/${String(d.voucherId)}`;
    case 'TechContractRegistered': return `c/${String(d.registrationNumber)}`;
    case 'PatentGranted': return `p/${String(d.applicationNumber)}`;
    case 'TalentIntroduced': return `t/${String(d.talentId)}`;
    case 'GovernanceMeetingHeld': return `m/${String(d.meetingId)}`;
    case 'EnterpriseAnnualFinancialsReported': return `f/${String(d.uscc)}/${String(d.fiscalYear)}`;
    default: return undefined;
  }
}

beforeAll(() => {
  const records = [...generateHistory({ seed: SEED, to: TODAY }).batches()].flat() as Rec[];
  const registered = new Set<string>();
  const gone = new Set<string>();
  for (const r of records) {
    if (r.type === 'EnterpriseRegistered') registered.add(String(r.data.uscc));
    if (r.type === 'EnterpriseDeregistered' || (r.type === 'EnterpriseRelocated' && r.data.direction === 'out')) gone.add(String(r.data.uscc));
    const key = naturalKey(r);
    if (key) historyKeys.add(key);
  }
  active = new Set([...registered].filter((u) => !gone.has(u)));
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('when the trickle runs next to the seeded history', () => {
  it('sends valid, new records that refer only to firms still in the area', async () => {
    const received: IngestRecordInput[] = [];
    running = startTrickle({ seed: SEED, now, intervalMs: 10, ingest: async (records) => void received.push(...records) });
    await until(() => received.length >= 80, '80 records');
    await running.stop();

    const kinds = new Set(received.map((r) => r.type));
    for (const t of ['PlatformServiceDelivered', 'InnovationVoucherRedeemed', 'TechContractRegistered', 'PatentGranted']) expect(kinds.has(t as never), t).toBe(true);
    const seen = new Set<string>();
    for (const raw of received) {
      const parsed = IngestRecord.safeParse(raw);
      expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
      const r = raw as Rec;
      expect((r.occurredAt ?? '') <= TODAY).toBe(true);
      const key = naturalKey(r);
      if (key && r.type !== 'EnterpriseAnnualFinancialsReported') {
        expect(historyKeys.has(key), `reuses ${key}`).toBe(false);
        expect(seen.has(key), `repeats ${key}`).toBe(false);
        seen.add(key);
      }
      const d = r.data;
      const firm =
        r.type === 'PlatformServiceDelivered' ? d.clientUscc
          : r.type === 'InnovationVoucherRedeemed' ? d.enterpriseUscc
            : r.type === 'TalentIntroduced' ? d.employerUscc
              : r.type === 'PatentGranted' ? (d.owners as { uscc: string }[])[0]?.uscc
                : r.type === 'EnterpriseAnnualFinancialsReported' ? d.uscc
                  : undefined;
      if (firm !== undefined) expect(active.has(String(firm)), `${r.type} → ${String(firm)}`).toBe(true);
      if (r.type === 'EnterpriseAnnualFinancialsReported') expect(historyKeys.has(key ?? ''), 'a late report is one the history left out').toBe(false);
      if (r.type === 'TechContractRegistered') {
        const parties = [d.seller, d.buyer] as { uscc?: string }[];
        expect(parties.some((p) => p.uscc !== undefined && active.has(p.uscc))).toBe(true);
      }
      if (r.type === 'PatentGranted') expect(patentCheckOk(String(d.applicationNumber))).toBe(true);
    }

    const after = received.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(received.length).toBe(after);
  });

  it('waits for a slow ingest instead of piling batches up behind it', async () => {
    let calls = 0;
    let release: () => void = () => {};
    running = startTrickle({
      seed: SEED,
      now,
      intervalMs: 10,
      ingest: () => {
        calls++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    await until(() => calls === 1, 'the first batch');
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(1);
    release();
    await until(() => calls === 2, 'the second batch');
    const stopping = running.stop();
    release();
    await stopping;
    expect(calls).toBe(2);
  });

  it('reports ingest failures and keeps streaming', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    running = startTrickle({
      seed: SEED,
      now,
      intervalMs: 10,
      onError: (e) => errors.push(e),
      ingest: async () => {
        calls++;
        throw new Error('store unavailable');
      },
    });
    await until(() => calls >= 3, 'three attempts');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(String(errors[0])).toContain('store unavailable');
  });
});
