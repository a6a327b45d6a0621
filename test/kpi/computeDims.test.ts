import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { createKpiQueries } from '../../projections/kpi/queries.ts';
import { allPlans, periodsOf } from '../../projections/kpiTables/plan.ts';
import { HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { freshOlap } from '../support/olap.ts';
import { loadFactsWithRunner } from './support.ts';

/**
 * The KPI tables compute a KPI's breakdown dimensions together, from one evaluation of its items
 * (computeDims); reads of one dimension compute it alone (compute). Both must give the same points,
 * for every KPI, dimension and period, over the hand-computed fixture.
 */
describe('breakdown dimensions computed together', () => {
  let olap: OlapClient;
  beforeAll(async () => {
    olap = await freshOlap('dims');
    await loadFactsWithRunner(olap, HAND_EVENTS);
  }, 300_000);
  afterAll(async () => {
    await olap.close();
  });

  it('give the points each dimension gives on its own', async () => {
    const queries = createKpiQueries(olap);
    const day = '2025-08-15';
    const bound = { maxPosition: HAND_EVENTS.length, knownOn: day };
    let compared = 0;
    let nonEmpty = 0;
    for (const plan of allPlans()) {
      const periods = [...periodsOf('quarter', day), ...periodsOf('year', day)];
      for (const group of plan.dimGroups) {
        const breakdowns = group.map((d) => d || undefined);
        const together = await queries.computeDims({ kpi: plan.kpi, slot: 'month', periods, breakdowns, ...bound });
        expect(together).toHaveLength(breakdowns.length);
        for (const [i, breakdown] of breakdowns.entries()) {
          const alone = await queries.compute({ kpi: plan.kpi, slot: 'month', periods, ...bound, ...(breakdown ? { breakdown } : {}) });
          expect({ kpi: plan.kpi.id, breakdown, byPeriod: together[i]!.byPeriod }).toEqual({ kpi: plan.kpi.id, breakdown, byPeriod: alone.byPeriod });
          compared++;
          if (alone.points.some((p) => p.value !== null && p.value !== 0)) nonEmpty++;
        }
      }
    }
    // Every KPI's total and breakdowns were compared, many of them with values in the fixture.
    expect(compared).toBe(allPlans().reduce((n, p) => n + p.dims.length, 0));
    expect(compared).toBeGreaterThan(90);
    expect(nonEmpty).toBeGreaterThan(20);
  }, 600_000);

  it('keeps a dimension that multiplies the items (cohort) in a group of its own', () => {
    const rd = allPlans().find((p) => p.kpi.id === 'enterprise_rd_intensity')!;
    expect(rd.dimGroups).toEqual([[''], ['cohort']]);
    const hte = allPlans().find((p) => p.kpi.id === 'hte_count')!;
    expect(hte.dimGroups).toEqual([hte.dims]);
  });
});
