import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { readFirmYears } from '../../projections/points/facts.ts';
import { UNKNOWN_STREET } from '../../projections/kpi/sql.ts';
import { createEventFactory, registered, relocated } from '../fixtures/kpi/eventFactory.ts';
import { uscc } from '../fixtures/kpi/handFixture.ts';
import { loadFactsWithRunner } from '../kpi/support.ts';
import { freshOlap } from '../support/olap.ts';

/**
 * Innovation points name a scored firm's street by the KPIs' rule: a firm that moved into the area
 * without a street (the field is optional) is on 街道未报, not on an empty street.
 * X registered on 阳逻街道; Y registered on 关山街道 (outside) and moved in on 2025-06-01 without a
 * street; Z registered on 武湖街道 and moved out on 2025-09-01. All three reported fiscal 2025:
 * X and Y are scored (in the area on 2025-12-31), Z is not.
 */
describe('innovation points: the street of a firm that moved in without one', () => {
  let olap: OlapClient;
  const X = uscc('91420117MA4QX0001');
  const Y = uscc('91420117MA4QY0002');
  const Z = uscc('91420117MA4QT0003');
  beforeAll(async () => {
    olap = await freshOlap('pointsstreet');
    const f = createEventFactory('00000000-0000-4000-a100-');
    const report = (id: string) =>
      f.ev(`fin${id}`, 'EnterpriseAnnualFinancialsReported', `enterprise-${id}`, '2026-04-30', {
        uscc: id, fiscalYear: 2025, revenue: 1000, rdExpense: 50, highTechProductRevenue: 0, employees: 20, techStaff: 5, aboveScale: false, hasRdInstitution: false,
      });
    await loadFactsWithRunner(olap, [
      registered(f, X, '甲科技', '阳逻街道'),
      registered(f, Y, '乙科技', '关山街道'),
      registered(f, Z, '丙科技', '武湖街道'),
      relocated(f, 'inY', Y, '2025-06-01', 'in'),
      relocated(f, 'outZ', Z, '2025-09-01', 'out'),
      report(X),
      report(Y),
      report(Z),
    ]);
  });
  afterAll(async () => {
    await olap.close();
  });

  it('scores X on 阳逻街道 and Y on 街道未报, and not Z', async () => {
    const firms = await readFirmYears(olap, 2025);
    expect(firms.map((f) => [f.entityId, f.name, f.street])).toEqual([
      [X, '甲科技', '阳逻街道'],
      [Y, '乙科技', UNKNOWN_STREET],
    ]);
  });
});
