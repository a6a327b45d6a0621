import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OlapClient } from '../../contracts/ports.ts';
import { createKpiQueries } from '../../projections/kpi/index.ts';
import { UNKNOWN_STREET } from '../../projections/kpi/sql.ts';
import { createEventFactory, registered, relocated } from '../fixtures/kpi/eventFactory.ts';
import { uscc } from '../fixtures/kpi/handFixture.ts';
import { freshOlap } from '../support/olap.ts';
import { loadFactsWithRunner } from './support.ts';

/**
 * A firm relocating into the area without a street (the field is optional) is in the area but on
 * no known street: by street it counts under 街道未报, not in an empty bucket.
 * Two firms, both 高企 from 2024-03-01: X registered on 阳逻街道; Y registered outside the area
 * (关山街道) and moved in on 2024-06-01 without a street. Q3 2024 by street: 阳逻街道 1, 街道未报 1.
 */
describe('a relocation into the area without a street', () => {
  let olap: OlapClient;
  const X = uscc('91420117MA4KX0001');
  const Y = uscc('91420117MA4KW0002');
  beforeAll(async () => {
    olap = await freshOlap('street');
    const f = createEventFactory('00000000-0000-4000-a000-');
    const { ev } = f;
    await loadFactsWithRunner(olap, [
      registered(f, X, '甲科技', '阳逻街道'),
      registered(f, Y, '乙科技', '关山街道'),
      relocated(f, 'inY', Y, '2024-06-01', 'in'),
      ev('hteX', 'HighTechCertified', `enterprise-${X}`, '2024-03-01', { uscc: X, certificateNumber: 'GR202442000801', issuedOn: '2024-03-01' }),
      ev('hteY', 'HighTechCertified', `enterprise-${Y}`, '2024-03-01', { uscc: Y, certificateNumber: 'GR202442000802', issuedOn: '2024-03-01' }),
    ]);
  });
  afterAll(async () => {
    await olap.close();
  });

  it('counts it under 街道未报', async () => {
    const points = await createKpiQueries(olap).series('hte_count', { from: '2024-07', to: '2024-09', grain: 'quarter', breakdown: 'street', asOf: '2025-01-01T00:00:00+08:00' });
    const byStreet = Object.fromEntries(points.filter((p) => p.period === '2024-Q3').map((p) => [p.breakdown, p.value]));
    expect(byStreet).toEqual({ 阳逻街道: 1, [UNKNOWN_STREET]: 1 });
  });
});
