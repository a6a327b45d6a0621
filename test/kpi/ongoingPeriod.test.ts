import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { createKpiQueries } from '../../projections/kpi/index.ts';
import { HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { freshOlap } from '../support/olap.ts';
import { loadFactsWithRunner } from './support.ts';

/**
 * A period still under way is evaluated on the day it is known at, not at its future end.
 * Hand fixture: firm A's 高企 certificate (issued 2022-03-15) is valid until 2025-03-15; B's (2023-11-20)
 * until 2026-11-20; C moved out 2024-09-30, D is outside the area, E's was revoked 2024-11-15.
 */
describe('when a period is still under way', () => {
  let olap: OlapClient;
  beforeAll(async () => {
    olap = await freshOlap('ongoing');
    await loadFactsWithRunner(olap, HAND_EVENTS);
  });
  afterAll(async () => {
    await olap.close();
  });

  it('counts the certificates valid on the as-of day, not those still valid at the year end', async () => {
    const kpis = createKpiQueries(olap);
    // Known on 2025-02-01, year 2025 is under way: A (until 2025-03-15) and B count → 2.
    const [during] = await kpis.series('hte_count', { from: '2025', to: '2025', grain: 'year', asOf: '2025-02-01T12:00:00+08:00' });
    expect(during?.value).toBe(2);
    // Known on 2026-02-01 (a fixed instant, so the test does not depend on the clock), 2025 is over:
    // at 2025-12-31 only B is valid → 1.
    const [after] = await kpis.series('hte_count', { from: '2025', to: '2025', grain: 'year', asOf: '2026-02-01T12:00:00+08:00' });
    expect(after?.value).toBe(1);
  });
});
