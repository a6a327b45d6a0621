import { z } from 'zod';
import { Drilldown, Grain, KpiDefinition, KpiLatest, KpiPoint, Scorecard } from '../kpis.ts';
import { AsOfParam, BreakdownParam, KpiIdParam, LeadUnitParam, PeriodParam } from './params.ts';

/** The read API's query and response shapes (services/api/router.ts parses with these; the OpenAPI document shows them). */

const MONTH_OR_DATE = /^\d{4}(-\d{2}){0,2}$/;

export const GrainParam = Grain.default('quarter').meta({
  description:
    'The size of each point (粒度): month, quarter, half, year, or ytd (year to date: January to the end of each month). Default quarter. ' +
    'A KPI answers only at its own `grains` (annual statistics only at year); another grain is refused with 400.',
});

export const SeriesQuery = z.object({
  from: z
    .string()
    .regex(MONTH_OR_DATE, { error: 'from 应为 YYYY、YYYY-MM 或 YYYY-MM-DD' })
    .default('2023-01')
    .meta({
      description:
        'First period: the series starts with the period (of `grain`) that contains the start of this year `YYYY`, month `YYYY-MM` or day `YYYY-MM-DD`. ' +
        'Half and quarter labels (`2025-H1`, `2025-Q3`) are not accepted here (the exports take them). Default `2023-01`.',
      example: '2023-01',
    }),
  to: z
    .string()
    .regex(MONTH_OR_DATE, { error: 'to 应为 YYYY、YYYY-MM 或 YYYY-MM-DD' })
    .optional()
    .meta({
      description:
        'Last period: the series ends with the period that contains the end of this year, month or day (same forms as `from`; must not be before it). ' +
        'Default: the current month (UTC). At most 400 periods.',
      example: '2025-12',
    }),
  grain: GrainParam,
  asOf: AsOfParam,
  breakdown: BreakdownParam,
});

export const DrilldownQuery = z.object({
  period: PeriodParam,
  asOf: AsOfParam,
  value: z.string().max(64).optional().meta({
    description:
      'Only the rows of one group of the KPI\'s first breakdown (its `breakdowns[0]`), e.g. one street; refused with 400 for a KPI without breakdowns.',
    example: '阳逻街道',
  }),
});

export const ScorecardQuery = z.object({
  period: PeriodParam,
  asOf: AsOfParam,
});

export const KpiIdParams = z.object({ id: KpiIdParam });
export const LeadUnitParams = z.object({ leadUnit: LeadUnitParam });
export const ProjectionNameParams = z.object({
  name: z.string().meta({ description: 'A projection name, as `GET /api/v1/status` lists them (e.g. `fact_flows`).', example: 'fact_flows' }),
});

/** One projection's progress. */
export const ProjectionStatus = z
  .object({
    name: z.string().describe('Projection name'),
    version: z.number().int().describe('Version of its code and tables'),
    checkpoint: z.number().int().describe('Global store position it has projected up to'),
    lagEvents: z.number().describe('Events in the store not yet projected'),
    lagSeconds: z.number().describe('Age of the oldest unprojected event, seconds'),
    state: z.string().describe('catching-up, live, rebuilding, failed or ahead-of-store'),
  })
  .meta({ id: 'ProjectionStatus' });
export type ProjectionStatus = z.infer<typeof ProjectionStatus>;

export const StatusResponse = z
  .object({
    store: z.object({
      head: z.number().int().describe('Global position of the last event'),
      events: z.number().int().describe('Events in the store'),
    }),
    projections: z.array(ProjectionStatus),
    kpiTables: z
      .object({
        position: z.number().int().describe('Store position the KPI tables reflect'),
        recordedAt: z.string().describe('Record instant of that position (ISO 8601)'),
      })
      .nullable()
      .describe('Where KPI answers stand; null: KPI tables not built yet, or none in this process'),
  })
  .meta({ id: 'Status' });

export const KpiDefinitionSchema = KpiDefinition.meta({ id: 'KpiDefinition', description: 'One KPI of the catalog (指标): what the number means, its unit, task, lead unit, grains and breakdowns' });
export const KpiLatestSchema = KpiLatest.meta({ id: 'KpiLatest', description: 'The latest period with its value, target and attainment (value ÷ target, uncapped)' });
export const KpiPointSchema = KpiPoint.meta({ id: 'KpiPoint', description: 'One period of a series (or one group of it, with a breakdown)' });

export const KpiListItem = z
  .object({
    id: z.string(),
    name: KpiDefinition.shape.name,
    unit: z.string(),
    kind: KpiDefinition.shape.kind,
    task: KpiDefinition.shape.task,
    leadUnit: KpiDefinition.shape.leadUnit,
    priority: KpiDefinition.shape.priority,
    dimension: KpiDefinition.shape.dimension,
    valueUnit: z.string(),
    grains: KpiDefinition.shape.grains,
    components: z.record(z.string(), z.string()),
    latest: KpiLatestSchema.nullable().describe('null when there is no data, or when the KPI\'s query failed (then `state` is error)'),
    state: z.enum(['ok', 'no-data', 'error']).describe('ok: a latest value; no-data: nothing yet; error: the query failed (see `error`), never shown as "no data"'),
    error: z.object({ code: z.string(), message: z.string() }).optional().describe('Why the KPI\'s query failed (state error)'),
  })
  .meta({ id: 'KpiListItem' });

export const KpiListResponse = z.object({ kpis: z.array(KpiListItem) }).meta({ id: 'KpiList' });

export const KpiSeriesResponse = z
  .object({
    kpi: z.string().describe('The KPI id'),
    grain: Grain,
    series: z.array(KpiPointSchema).describe('Oldest first; with a breakdown, one point per period and group'),
  })
  .meta({ id: 'KpiSeries' });

export const KpiDrilldownResponse = z
  .object({
    kpi: z.string().describe('The KPI id'),
    period: z.string().describe('The period label'),
    entities: Drilldown.meta({ id: 'Drilldown', description: 'The entities and events behind the value' }),
    labels: z.record(z.string(), z.string()).describe('Chinese labels of the `detail` columns'),
  })
  .meta({ id: 'KpiDrilldown' });

export const ScorecardSchema = Scorecard.meta({ id: 'Scorecard', description: 'A lead unit\'s assessment for one period (部门考核)' });

export const RebuildResponse = z
  .object({ projection: z.string(), rebuilt: z.literal(true), seconds: z.number().describe('How long the rebuild took') })
  .meta({ id: 'ProjectionRebuilt' });

export const RebuildAllResponse = z
  .object({ projections: z.array(z.string()).describe('The projections rebuilt, all from one pass over the log'), rebuilt: z.literal(true), seconds: z.number().describe('How long the rebuild took') })
  .meta({ id: 'ProjectionsRebuilt' });

/** One KPI value that changed, as the live stream sends it. */
export const KpiChange = z
  .object({
    kpiId: z.string(),
    slot: z.string().describe('The grain slot of the materialized point'),
    period: z.string(),
    breakdown: z.string().describe('Breakdown name, empty for the total'),
    breakdownValue: z.string().describe('Group, empty for the total'),
    oldValue: z.number().nullable(),
    newValue: z.number().nullable(),
    change: z.string(),
    position: z.number().int().describe('Store position the change was computed at'),
    recordedAt: z.string(),
  })
  .meta({ id: 'KpiChange' });
export type KpiChange = z.infer<typeof KpiChange>;

/** The `data` of one `kpi-changes` Server-Sent Event. */
export const KpiChangesMessage = z
  .object({ position: z.number().int(), recordedAt: z.string(), changes: z.array(KpiChange) })
  .meta({ id: 'KpiChangesMessage', description: 'The JSON `data` of each `kpi-changes` event of GET /api/v1/stream' });
