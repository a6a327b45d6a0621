import { describe, expect, it } from 'vitest';
import { FACT_PROJECTIONS } from '../../projections/facts/index.ts';
import { createKpiQueries } from '../../projections/kpi/queries.ts';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { FIRMS, HAND_EVENTS, patent } from '../fixtures/kpi/handFixture.ts';
import { freshOlap } from '../support/olap.ts';
import { loadFactsDirect } from './support.ts';

describe('when the fact projections see the same events cut into different batches', () => {
  it('produce the same rows, so where the runner cuts a batch never matters', () => {
    for (const p of FACT_PROJECTIONS) {
      const handled = HAND_EVENTS.filter((e) => (p.handles as readonly string[]).includes(e.type));
      const whole = p.project(handled);
      for (const cut of [1, 7, Math.floor(handled.length / 2)]) {
        const a = p.project(handled.slice(0, cut));
        const b = p.project(handled.slice(cut));
        for (const t of p.tables) expect([...(a[t.name] ?? []), ...(b[t.name] ?? [])]).toEqual(whole[t.name] ?? []);
      }
    }
  });

  it('write every row with its event, position, business date and record instant', () => {
    for (const p of FACT_PROJECTIONS) {
      const rows = Object.values(p.project(HAND_EVENTS)).flat();
      for (const r of rows) {
        expect(r).toMatchObject({ event_id: expect.any(String), position: expect.any(Number), occurred: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
        expect(r.recorded_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
      }
    }
  });
});

describe('when facts are inserted again (a replay after a crash)', () => {
  it('keeps every KPI value unchanged', async () => {
    const olap = await freshOlap('replay');
    await loadFactsDirect(olap, HAND_EVENTS);
    const kpi = createKpiQueries(olap);
    const read = async () => [
      await kpi.series('hte_count', { from: '2024', to: '2024', grain: 'quarter' }),
      await kpi.series('tech_contract_turnover', { from: '2024', to: '2024', grain: 'quarter' }),
      await kpi.series('invention_patents_per_10k', { from: '2024', to: '2024', grain: 'year' }),
    ];
    const once = await read();
    // A replay re-inserts a different slice of the same rows: other blocks, so the insert dedup window does not catch them.
    for (const p of FACT_PROJECTIONS) {
      const rows = p.project(HAND_EVENTS.slice(3));
      for (const [table, list] of Object.entries(rows)) await olap.insert(table, list);
    }
    expect(await read()).toEqual(once);
    expect(once[0]!.map((p) => p.value)).toEqual([3, 4, 3, 2]);
  });
});

describe('when ownership, location and status change hands', () => {
  const f = createEventFactory('00000000-0000-4000-9000-');
  const IN = FIRMS.A;
  const OUT = FIRMS.D;
  const P7 = patent('202110000007');
  const events = [
    f.ev('regIn', 'EnterpriseRegistered', `enterprise-${IN}`, '2015-01-01', {
      uscc: IN, name: '区内企业', establishedOn: '2015-01-01', registeringOffice: '市场监管局', divisionCode: '420102', street: '谌家矶街道', industryCode: 'C39', registeredCapital: 100,
    }),
    // Division 420117 is 新洲, but the street is outside the area: not in the area.
    f.ev('regOut', 'EnterpriseRegistered', `enterprise-${OUT}`, '2015-01-01', {
      uscc: OUT, name: '区外企业', establishedOn: '2015-01-01', registeringOffice: '市场监管局', divisionCode: '420117', street: '关山街道', industryCode: 'C39', registeredCapital: 100,
    }),
    f.ev('p7', 'PatentGranted', `patent-${P7}`, '2023-01-01', {
      applicationNumber: P7, patentType: '发明', owners: [{ uscc: OUT, name: '区外企业' }], ipc: 'G06F', appliedOn: '2021-01-01', grantedOn: '2023-01-01',
    }),
    f.ev('p7to', 'PatentTransferred', `patent-${P7}`, '2024-05-01', { applicationNumber: P7, to: [{ uscc: IN, name: '区内企业' }], transferredOn: '2024-05-01' }),
    f.ev('pop', 'StatisticPublished', 'governance-statistics', '2024-01-31', { statistic: '常住人口', period: '2024', value: 10, unit: '万人' }),
    f.ev('hteOut', 'HighTechCertified', `enterprise-${OUT}`, '2023-06-01', { uscc: OUT, certificateNumber: 'GR202342009999', issuedOn: '2023-06-01' }),
    // The outside firm moves in on 2024-08-01 and out again on 2024-11-20.
    f.ev('in', 'EnterpriseRelocated', `enterprise-${OUT}`, '2024-08-01', { uscc: OUT, direction: 'in', relocatedOn: '2024-08-01', street: '武湖街道' }),
    f.ev('out', 'EnterpriseRelocated', `enterprise-${OUT}`, '2024-11-20', { uscc: OUT, direction: 'out', relocatedOn: '2024-11-20' }),
  ];

  it('counts a transferred patent for its new in-area owner from the transfer date only', async () => {
    const olap = await freshOlap('transfer');
    await loadFactsDirect(olap, events);
    const kpi = createKpiQueries(olap);
    // Q1: owner outside → 0 ÷ 10; Q2 (after 05-01): owner inside → 1 ÷ 10 = 0.1.
    const points = await kpi.series('invention_patents_per_10k', { from: '2024-Q1', to: '2024-Q2', grain: 'quarter' });
    expect(points.map((p) => [p.numerator, p.denominator, p.value])).toEqual([
      [0, 10, 0],
      [1, 10, 0.1],
    ]);
  });

  it('counts a firm while it is located in the area, by street, and records the moves', async () => {
    const olap = await freshOlap('moves');
    await loadFactsDirect(olap, events);
    const kpi = createKpiQueries(olap);
    const points = await kpi.series('hte_count', { from: '2024-Q2', to: '2024-Q4', grain: 'quarter' });
    expect(points.map((p) => [p.period, p.value, p.components?.movedIn, p.components?.movedOut])).toEqual([
      ['2024-Q2', 0, null, null], // nothing held or moved: no split to report
      ['2024-Q3', 1, 1, 0],
      ['2024-Q4', 0, 0, 1],
    ]);
    const byStreet = await kpi.series('hte_count', { from: '2024-Q3', to: '2024-Q3', grain: 'quarter', breakdown: 'street' });
    expect(byStreet.map((p) => [p.breakdown, p.value])).toEqual([['武湖街道', 1]]);
  });
});
