import { beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../contracts/errors.ts';
import { DEFAULT_TARGETS, KPI_CATALOG, KPI_IDS, TASK_LEAD_UNITS, kpiById } from '../../contracts/kpis.ts';
import type { OlapClient } from '../../contracts/ports.ts';
import { KPI_IMPLS } from '../../projections/kpi/definitions.ts';
import { createKpiQueries, type KpiQueries } from '../../projections/kpi/queries.ts';
import { HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { freshOlap } from '../support/olap.ts';
import { loadFactsDirect } from './support.ts';

/** The ids and priorities of shared/domain/KPIS.md, copied by hand: the catalog must match them exactly. */
const KPIS_MD_IDS = `kcw_meetings_held kcb_meetings_held decision_closure_rate task_milestone_completion academic_sites
hubu_colleges_relocated applied_univ_bases rd_platforms rd_platform_upgrades new_rd_institutions nri_industry_coverage
public_service_platforms key_tech_projects challenge_award_rate innovation_consortia chain_leaders_introduced tech_sme_count
hte_count hte_doubling_progress hte_reserve_conversion above_scale_hte_rd_coverage enterprise_rd_intensity innovation_vouchers
srdi_firms new_species_firms incubation_carriers incubating_tenants graduated_tenants tenant_financing_rate transfer_carriers
tech_contract_turnover tech_brokers invention_patents_per_10k high_value_patents_per_10k ip_pledge_financing high_level_talent
talent_cultivation fund_matrix fund_investment_in_area tech_credit listing_pipeline digital_infra brain_onboarding
innovation_events`.split(/\s+/);
const KPIS_MD_P1 = `kcw_meetings_held kcb_meetings_held task_milestone_completion hubu_colleges_relocated applied_univ_bases rd_platforms
new_rd_institutions nri_industry_coverage public_service_platforms challenge_award_rate tech_sme_count hte_count
hte_doubling_progress hte_reserve_conversion above_scale_hte_rd_coverage enterprise_rd_intensity innovation_vouchers srdi_firms
new_species_firms incubation_carriers incubating_tenants graduated_tenants tenant_financing_rate tech_contract_turnover
invention_patents_per_10k high_value_patents_per_10k ip_pledge_financing high_level_talent fund_matrix fund_investment_in_area
listing_pipeline`.split(/\s+/);

describe('the KPI catalog', () => {
  it('has every row of KPIS.md, ids and priorities exactly as there', () => {
    expect(KPI_IDS).toEqual(KPIS_MD_IDS);
    expect(KPI_CATALOG.filter((k) => k.priority === 'P1').map((k) => k.id)).toEqual(KPIS_MD_P1);
  });

  it('computes every KPI of the catalog, P1 and P2, supporting exactly the breakdowns and components the catalog promises', () => {
    expect(Object.keys(KPI_IMPLS).sort()).toEqual([...KPIS_MD_IDS].sort());
    for (const k of KPI_CATALOG.filter((x) => x.id in KPI_IMPLS)) {
      const impl = KPI_IMPLS[k.id];
      expect(impl, k.id).toBeDefined();
      expect(Object.keys(impl!.breakdowns).sort(), k.id).toEqual([...k.breakdowns].sort());
      expect(Object.keys(impl!.components ?? {}).sort(), k.id).toEqual(Object.keys(k.components).sort());
    }
  });

  it('states the policy’s defaults as targets of catalog KPIs, and a lead unit for every task', () => {
    expect(DEFAULT_TARGETS.map((t) => [t.kpiId, t.value])).toEqual([
      ['kcw_meetings_held', 2],
      ['kcb_meetings_held', 6],
      ['hubu_colleges_relocated', 4],
      ['nri_industry_coverage', 100],
      ['above_scale_hte_rd_coverage', 100],
      ['hte_doubling_progress', 2],
    ]);
    for (const t of DEFAULT_TARGETS) expect(kpiById(t.kpiId)).toBeDefined();
    for (let task = 1; task <= 18; task++) expect(TASK_LEAD_UNITS[task]?.length, `task ${task}`).toBeGreaterThan(0);
  });
});

describe('when every computed KPI is queried on the hand fixture', () => {
  let olap: OlapClient;
  let kpi: KpiQueries;
  beforeAll(async () => {
    olap = await freshOlap('cat');
    await loadFactsDirect(olap, HAND_EVENTS);
    kpi = createKpiQueries(olap);
  });

  it('answers a series for each declared breakdown and a drill-down', async () => {
    for (const k of KPI_CATALOG.filter((x) => x.id in KPI_IMPLS)) {
      const grain = k.grains.includes('half') ? 'half' : 'year';
      const plain = await kpi.series(k.id, { from: '2024', to: '2024', grain });
      expect(plain.length, k.id).toBe(grain === 'half' ? 2 : 1);
      const hasValue = plain.some((p) => (p.value ?? 0) !== 0);
      for (const b of k.breakdowns) {
        const split = await kpi.series(k.id, { from: '2024', to: '2024', grain, breakdown: b });
        // A KPI with a value splits into named groups, each once per period.
        if (hasValue) expect(split.length, `${k.id} by ${b}`).toBeGreaterThan(0);
        // ('' is the group of entities without that attribute, e.g. a relocation in that named no street.)
        for (const p of split) expect(typeof p.breakdown, `${k.id} by ${b}`).toBe('string');
        const keys = split.map((p) => `${p.period}|${p.breakdown}`);
        expect(new Set(keys).size, `${k.id} by ${b}`).toBe(keys.length);
      }
      const d = await kpi.drilldown(k.id, grain === 'half' ? '2024-H2' : '2024');
      // Rows name the events that put them there (a coverage row for an uncovered industry has none).
      // The drill-down's period is the series' last (2024-H2 or 2024).
      if ((plain.at(-1)!.value ?? 0) !== 0) expect(d.rows.some((r) => r.eventIds.length > 0), k.id).toBe(true);
      for (const r of d.rows) for (const id of r.eventIds) expect(id, k.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
  }, 300_000);

  it('binds user values as parameters: a hostile breakdown value or as-of instant is data, not SQL', async () => {
    const d = await kpi.drilldown('hte_count', '2024', { breakdown: 'street', breakdownValue: "x' OR 1=1 --" });
    expect(d.rows).toEqual([]);
    await expect(kpi.series('hte_count', { from: '2024', to: '2024', grain: 'year', asOf: "2024'); DROP TABLE fact_flows; --" })).rejects.toThrow(ValidationError);
    const [still] = await kpi.series('hte_count', { from: '2024', to: '2024', grain: 'year' });
    expect(still!.value).toBe(2);
  });

  it('rejects unknown KPIs, unsupported breakdowns and grains', async () => {
    await expect(kpi.series('no_such_kpi', { from: '2024', to: '2024', grain: 'year' })).rejects.toThrow(NotFoundError);
    await expect(kpi.series('kcw_meetings_held', { from: '2024', to: '2024', grain: 'year', breakdown: 'street' })).rejects.toThrow(ValidationError);
    await expect(kpi.series('enterprise_rd_intensity', { from: '2024', to: '2024', grain: 'month' })).rejects.toThrow(ValidationError);
    await expect(kpi.scorecard('宣传部', '2024')).rejects.toThrow(ValidationError);
  });

  it('fills months without events with 0 for counts and nothing for ratios', async () => {
    const meetings = await kpi.series('kcw_meetings_held', { from: '2024-01', to: '2024-04', grain: 'month' });
    expect(meetings.map((p) => p.value)).toEqual([0, 0, 1, 0]);
    const award = await kpi.series('challenge_award_rate', { from: '2024-01', to: '2024-02', grain: 'month' });
    expect(award.map((p) => [p.value, p.numerator, p.denominator])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    // YTD: 科创委 meetings by month-end, cumulative from January (03-10 and 09-15).
    const ytd = await kpi.series('kcw_meetings_held', { from: '2024-02', to: '2024-09', grain: 'ytd' });
    expect(ytd.map((p) => p.value)).toEqual([0, 1, 1, 1, 1, 1, 1, 2]);
    // Default 2/yr prorated to January–September: 2 × 9/12 = 1.5; attainment 2 ÷ 1.5.
    expect(ytd.at(-1)!.target).toBe(1.5);
    expect(ytd.at(-1)!.attainment).toBeCloseTo(2 / 1.5, 9);
  });
});
