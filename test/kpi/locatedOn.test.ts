import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { createKpiQueries } from '../../projections/kpi/index.ts';
import { UNKNOWN_STREET } from '../../projections/kpi/sql.ts';
import { createEventFactory, registered, relocated } from '../fixtures/kpi/eventFactory.ts';
import { uscc } from '../fixtures/kpi/handFixture.ts';
import { freshOlap } from '../support/olap.ts';
import { loadFactsWithRunner } from './support.ts';

/**
 * Where a firm is on a day: the location record of the latest effective date on or before it, the
 * last one stored when a day has several. Worked out by hand, all firms 高企 from 2024-03-01:
 * - A: registered in the area (阳逻街道); on 2024-06-01 moved out, then the same day moved in to
 *   武湖街道 (stored later): in the area from 06-01 on, on 武湖街道.
 * - B: registered in the area (阳逻街道); on 2024-06-01 moved in to 武湖街道, then the same day moved
 *   out (stored later): outside from 06-01 on.
 * - C: registered outside (关山街道), moved in to 双柳街道 on 2024-07-01, the first day of Q3: outside
 *   the day before Q3 starts, inside at its end (moved in during Q3).
 * - D: registered outside (关山街道), moved in to 双柳街道 on 2024-06-30, the last day of Q2: inside
 *   at Q2's end and the day before Q3 starts (no movement in Q3).
 * - E: no registration and no relocation: no location, never counted.
 * Q1 2024 (end 03-31): A 阳逻, B 阳逻 → 2, both new. Q2 (end 06-30): A 武湖, D 双柳 → 2; B moved out
 * (listed under 阳逻, counting 0), D moved in. Q3: A 武湖, C 双柳, D 双柳 → 3, of which C moved in.
 * Flows take the location of their own date: innovation vouchers redeemed on 2024-06-01 by A (in,
 * 武湖街道: 10 万元) and B (out: not counted, 20 万元), and on 2024-08-01 by F, registered outside and
 * moved in without a street on 2024-07-15 (in the area on no known street: 街道未报, 5 万元).
 */
describe('a firm located on a day (locatedOn)', () => {
  let olap: OlapClient;
  const A = uscc('91420117MA4LA0001');
  const B = uscc('91420117MA4LB0002');
  const C = uscc('91420117MA4LC0003');
  const D = uscc('91420117MA4LD0004');
  const E = uscc('91420117MA4LE0005');
  const F = uscc('91420117MA4LF0006');
  beforeAll(async () => {
    olap = await freshOlap('located');
    const f = createEventFactory('00000000-0000-4000-b000-');
    const { ev } = f;
    const reg = (id: string, name: string, street: string) => registered(f, id, name, street);
    const move = (key: string, id: string, on: string, direction: 'in' | 'out', street?: string) => relocated(f, key, id, on, direction, street);
    const voucher = (key: string, id: string, on: string, amount: number) =>
      ev(key, 'InnovationVoucherRedeemed', `voucher-${key}`, on, { voucherId: key, enterpriseUscc: id, amount, redeemedOn: on });
    const hte = (id: string, n: string) =>
      ev(`hte${id}`, 'HighTechCertified', `enterprise-${id}`, '2024-03-01', { uscc: id, certificateNumber: `GR2024420009${n}`, issuedOn: '2024-03-01' });
    await loadFactsWithRunner(olap, [
      reg(A, '甲科技', '阳逻街道'),
      reg(B, '乙科技', '阳逻街道'),
      reg(C, '丙科技', '关山街道'),
      reg(D, '丁科技', '关山街道'),
      hte(A, '01'),
      hte(B, '02'),
      hte(C, '03'),
      hte(D, '04'),
      hte(E, '05'),
      move('outA', A, '2024-06-01', 'out'),
      move('inA', A, '2024-06-01', 'in', '武湖街道'),
      move('inB', B, '2024-06-01', 'in', '武湖街道'),
      move('outB', B, '2024-06-01', 'out'),
      move('inC', C, '2024-07-01', 'in', '双柳街道'),
      move('inD', D, '2024-06-30', 'in', '双柳街道'),
      reg(F, '戊科技', '关山街道'),
      move('inF', F, '2024-07-15', 'in'),
      voucher('vA', A, '2024-06-01', 10),
      voucher('vB', B, '2024-06-01', 20),
      voucher('vF', F, '2024-08-01', 5),
    ]);
  });
  afterAll(async () => {
    await olap.close();
  });

  it('takes the last record of the latest date on or before each period end', async () => {
    const kpi = createKpiQueries(olap);
    const asOf = '2025-01-01T00:00:00+08:00';
    const totals = await kpi.series('hte_count', { from: '2024-Q1', to: '2024-Q3', grain: 'quarter', asOf });
    expect(totals.map((p) => [p.period, p.value])).toEqual([
      ['2024-Q1', 2],
      ['2024-Q2', 2],
      ['2024-Q3', 3],
    ]);
    const byStreet = await kpi.series('hte_count', { from: '2024-Q1', to: '2024-Q3', grain: 'quarter', breakdown: 'street', asOf });
    // B, out of the area at Q2's end, is still an item of Q2 (it moved out): under the street it left, counting 0.
    const cells = byStreet.map((p) => `${p.period} ${p.breakdown} ${p.value} ${p.components?.movedOut}`).sort();
    expect(cells).toEqual(['2024-Q1 阳逻街道 2 0', '2024-Q2 双柳街道 1 0', '2024-Q2 武湖街道 1 0', '2024-Q2 阳逻街道 0 1', '2024-Q3 双柳街道 2 0', '2024-Q3 武湖街道 1 0']);
  });

  it('compares the day before a period starts with its end for the movements', async () => {
    const [q1, q2, q3] = await createKpiQueries(olap).series('hte_count', { from: '2024-Q1', to: '2024-Q3', grain: 'quarter', asOf: '2025-01-01T00:00:00+08:00' });
    // Q1: A and B new. Q2: B moved out (its certificate still valid), D moved in. Q3: C moved in.
    expect(q1?.components).toMatchObject({ new: 2, movedIn: 0, movedOut: 0 });
    expect(q2?.components).toMatchObject({ new: 0, movedIn: 1, movedOut: 1 });
    expect(q3?.components).toMatchObject({ new: 0, movedIn: 1, movedOut: 0 });
  });

  it('locates a flow on its own date, the last record of that date winning', async () => {
    const kpi = createKpiQueries(olap);
    const byStreet = await kpi.series('innovation_vouchers', { from: '2024-Q2', to: '2024-Q3', grain: 'quarter', breakdown: 'street', asOf: '2025-01-01T00:00:00+08:00' });
    expect(byStreet.map((p) => `${p.period} ${p.breakdown} ${p.value}`).sort()).toEqual(['2024-Q2 武湖街道 10', `2024-Q3 ${UNKNOWN_STREET} 5`]);
  });
});
