import { z } from 'zod';

/** The status of a KPI with a target (预警, docs/monitoring.md): its worst open warning, or 正常. */
export const KpiWarningStatusView = z.enum(['正常', '关注', '预警']);

/** One warning as known at an instant (GET /api/v1/warnings, scorecards): its latest transition and the figures it carries. */
export const WarningView = z
  .object({
    warningId: z.string().describe('`<ruleId>:<subject key>`: one warning per rule and subject'),
    state: z.enum(['open', 'cleared']),
    severity: z.enum(['关注', '预警']),
    ruleId: z.string(),
    ruleKind: z.enum(['behind-schedule', 'projected-attainment', 'yoy-decline', 'milestone-overdue', 'source-overdue']),
    rulesVersion: z.number().int().describe('The rule table version the latest transition was decided under'),
    subject: z.object({
      kind: z.enum(['kpi', 'milestone', 'source']),
      key: z.string(),
      kpiId: z.string().nullable(),
      leadUnit: z.string().nullable(),
      dimension: z.string().nullable(),
      task: z.number().int().nullable(),
      milestoneId: z.string().nullable(),
      sourceUnit: z.string().nullable(),
    }),
    period: z.string().describe('The year assessed (`2025`)'),
    evaluatedOn: z.string().describe('The business day the monitor evaluated on'),
    measured: z.number().nullable().describe('The measured figure: points behind, projected attainment %, decline %, days overdue or days since the last record'),
    threshold: z.number().describe('The rule\'s threshold it was compared with'),
    message: z.string().describe('Why, in Chinese'),
    raisedAt: z.string().describe('Record instant (UTC) the warning was (last) raised'),
    clearedAt: z.string().nullable().describe('Record instant (UTC) it was cleared; null while open'),
    eventId: z.string().describe('The event of the latest transition'),
  })
  .meta({ id: 'Warning', description: 'One early warning (预警) as known at the asked instant' });
export type WarningView = z.infer<typeof WarningView>;

/** Per KPI, the worst open warning: 预警 over 关注 (a KPI with a target and none is 正常). */
export function kpiStatuses(warnings: readonly WarningView[]): Record<string, '关注' | '预警'> {
  const out: Record<string, '关注' | '预警'> = {};
  for (const w of warnings) {
    const id = w.subject.kpiId;
    if (w.state !== 'open' || !id) continue;
    if (out[id] !== '预警') out[id] = w.severity === '预警' ? '预警' : '关注';
  }
  return out;
}
