import { z } from 'zod';
import { IsoDate, NonEmpty } from './common.ts';

/**
 * Early warning (预警, policy 保障措施(四)): the warning rules as data and the events that change
 * them, raise a warning and clear it. The platform writes these itself (the monitor, the admin
 * API); no department sends them.
 */

/** The status of a KPI with a target, worst open warning first: 预警 > 关注 > 正常. */
export const WarningSeverity = z.enum(['关注', '预警']).describe('Severity: 关注 watch (amber), 预警 warning (red)');
export type WarningSeverity = z.infer<typeof WarningSeverity>;
export const KpiWarningStatus = z.enum(['正常', '关注', '预警']);
export type KpiWarningStatus = z.infer<typeof KpiWarningStatus>;

const RuleId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: '规则编号应为小写字母、数字和连字符 (1-40 个字符)' });
const base = {
  id: RuleId.describe('Rule id (规则编号): lower-case letters, digits and -, 1–40 characters, unique in the table'),
  severity: WarningSeverity.describe('Severity a finding of this rule raises: 关注 watch or 预警 warning'),
  enabled: z.boolean().default(true).describe('False switches the rule off without removing it; default true'),
};
const pct = (max: number, what: string) => z.number({ error: `${what}应为数值` }).finite().min(0, { error: `${what}不能为负` }).max(max, { error: `${what}不能超过 ${max}` });
const days = z.number({ error: '天数应为整数' }).int({ error: '天数应为整数' }).min(0, { error: '天数不能为负' }).max(3660, { error: '天数不能超过 3660' });

/**
 * One warning rule. Every KPI rule looks at the KPI's current year to date against the year's
 * target; `behind-schedule` compares attainment with the elapsed share of the year.
 */
export const WarningRule = z.discriminatedUnion(
  'kind',
  [
    /** Attainment (%) behind the elapsed share of the period (%) by more than `points`. */
    z.strictObject({ ...base, kind: z.literal('behind-schedule').describe('Rule kind: attainment behind the elapsed share of the period'), points: pct(100, 'points ').describe('Percentage points (0–100) attainment may trail the elapsed share of the period') }),
    /** Projected attainment at the period's end below `belowPct` %. */
    z.strictObject({ ...base, kind: z.literal('projected-attainment').describe('Rule kind: projected attainment at period end too low'), belowPct: pct(1000, 'belowPct ').describe('Projected attainment (%) at the period end below which the rule fires, 0–1000') }),
    /** Year to date below the same span of last year by more than `pct` %. */
    z.strictObject({ ...base, kind: z.literal('yoy-decline').describe('Rule kind: year to date below the same span of last year'), pct: pct(100, 'pct ').describe('Decline (%) against the same span of last year beyond which the rule fires, 0–100') }),
    /** A task milestone not completed more than `graceDays` after its due date. */
    z.strictObject({ ...base, kind: z.literal('milestone-overdue').describe('Rule kind: task milestone not completed after its due date'), graceDays: days.describe('Days after the due date before an unfinished milestone is overdue, 0–3660') }),
    /**
     * A source department (`source.unit` of its records) whose latest record is older than its
     * cadence: `cadenceDays[unit]`, else `defaultCadenceDays`.
     */
    z.strictObject({
      ...base,
      kind: z.literal('source-overdue').describe('Rule kind: a source department has not sent records for longer than its cadence'),
      defaultCadenceDays: days.min(1, { error: '周期至少 1 天' }).describe('Reporting cadence in days (1–3660) for departments not in cadenceDays'),
      cadenceDays: z
        .record(NonEmpty, days.min(1, { error: '周期至少 1 天' }))
        .default({})
        .describe('Reporting cadence in days (1–3660) per department (source.unit); default none'),
    }),
  ],
  { error: 'kind 应为 behind-schedule、projected-attainment、yoy-decline、milestone-overdue 或 source-overdue' },
);
export type WarningRule = z.infer<typeof WarningRule>;
export type WarningRuleKind = WarningRule['kind'];

/** A rule table: at most 50 rules, ids unique. */
export const WarningRules = z
  .array(WarningRule)
  .max(50, { error: '规则不能超过 50 条' })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `规则编号重复: ${r.id}` });
      seen.add(r.id);
    });
  });

/** The rule table an admin changed: the whole new table, its version (the previous + 1) and who. */
export const WarningRulesChanged = z.object({
  version: z.number().int().min(2).describe('The new table version: the previous + 1 (the table shipped in code is version 1)'),
  rules: WarningRules.describe('The whole new rule table, at most 50 rules with unique ids'),
  changedBy: NonEmpty.describe('Who changed it (the admin user or key)'),
  reason: z.string().trim().max(500).optional().describe('Why, at most 500 characters'),
});

/**
 * A department's explanation (填报说明) of a record that filing review flagged (`review:…` in its
 * quality): the record keeps counting; the board shows it explained.
 */
export const FilingExplanationFiled = z.object({
  /** The event id of the flagged record. */
  explains: z.uuid().describe('The event id (UUID) of the flagged record explained'),
  /** The review flags it answers (those the record carries). */
  flags: z.array(NonEmpty).min(1).describe('The review flags answered (review:…), at least one, among those the record carries'),
  explanation: z
    .string()
    .trim()
    .min(5, { error: '说明至少 5 个字' })
    .max(2000, { error: '说明最长 2000 字' })
    .describe('The explanation (填报说明), 5–2000 characters'),
  /** The department that sent the record (its source.unit). */
  unit: NonEmpty.describe('The department that sent the record (its source.unit)'),
  filedBy: NonEmpty.describe('Who filed the explanation (user or key)'),
});

/** What a warning is about: a KPI (with its lead unit and dimension), a task milestone or a source department. */
export const WarningSubject = z
  .object({
    kind: z.enum(['kpi', 'milestone', 'source']).describe('What the warning is about: kpi a KPI, milestone a task milestone, source a source department'),
    /** Stable key within the rule: the KPI id, `task:milestoneId` or the source unit. */
    key: NonEmpty.describe('Stable key within the rule: the KPI id, task:milestoneId or the source unit'),
    kpiId: z.string().optional().describe('For kind kpi: the KPI id'),
    leadUnit: z.string().optional().describe('The lead department (牵头单位) of the KPI or milestone'),
    dimension: z.string().optional().describe('For kind kpi: the KPI’s dimension in the catalogue'),
    task: z.number().int().optional().describe('For kind milestone: the policy task number, 1–18'),
    milestoneId: z.string().optional().describe('For kind milestone: the milestone id'),
    sourceUnit: z.string().optional().describe('For kind source: the department (source.unit)'),
  })
  .describe('What the warning is about');
export type WarningSubject = z.infer<typeof WarningSubject>;

const warningFields = {
  /** `<ruleId>:<subject key>`: one warning per rule and subject, raised and cleared in turn. */
  warningId: NonEmpty.describe('<ruleId>:<subject key>: one warning per rule and subject, raised and cleared in turn'),
  ruleId: RuleId.describe('The rule that fired (规则编号)'),
  ruleKind: z
    .enum(['behind-schedule', 'projected-attainment', 'yoy-decline', 'milestone-overdue', 'source-overdue'])
    .describe('The kind of that rule (see WarningRulesChanged)'),
  rulesVersion: z.number().int().min(1).describe('Version of the rule table in force'),
  subject: WarningSubject,
  /** The period assessed (`2025`) or, for milestones and sources, the day evaluated on. */
  period: z.string().describe('The period assessed (e.g. 2025) or, for milestones and sources, the day evaluated on'),
  evaluatedOn: IsoDate.describe('The day of the evaluation, YYYY-MM-DD'),
  /** The measured figure and the rule's threshold it was compared with (null when not measurable). */
  measured: z
    .number()
    .finite()
    .nullable()
    .describe('The measured figure (% attainment, % decline or days, as the rule kind says); null when not measurable'),
  threshold: z.number().finite().describe('The rule’s threshold the figure was compared with, in the same unit'),
  /** A Chinese sentence saying why. */
  message: NonEmpty.describe('A Chinese sentence saying why'),
};

export const WarningRaised = z.object({ ...warningFields, severity: WarningSeverity.describe('Severity: 关注 watch or 预警 warning') });
export const WarningCleared = z.object({ ...warningFields, severity: WarningSeverity.describe('Severity of the warning cleared: 关注 or 预警') });

/** What one rule finds about one subject now: a WarningRaised's payload less what the monitor adds. */
export const WarningFinding = WarningRaised.omit({ warningId: true, rulesVersion: true, evaluatedOn: true });
export type WarningFinding = z.infer<typeof WarningFinding>;

/** The rule table shipped in code: version 1, in force until an admin changes it. */
export const DEFAULT_WARNING_RULES: readonly WarningRule[] = Object.freeze(
  WarningRules.parse([
    { id: 'behind-10', kind: 'behind-schedule', points: 10, severity: '关注' },
    { id: 'behind-25', kind: 'behind-schedule', points: 25, severity: '预警' },
    { id: 'projected-90', kind: 'projected-attainment', belowPct: 90, severity: '关注' },
    { id: 'projected-70', kind: 'projected-attainment', belowPct: 70, severity: '预警' },
    { id: 'yoy-10', kind: 'yoy-decline', pct: 10, severity: '关注' },
    { id: 'milestone-overdue', kind: 'milestone-overdue', graceDays: 0, severity: '预警' },
    { id: 'source-overdue', kind: 'source-overdue', defaultCadenceDays: 120, cadenceDays: {}, severity: '关注' },
  ]),
);

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: '应为 64 位十六进制 SHA-256' });

/**
 * A periodic assessment report (监测评估报告) issued on schedule: its period and the instant it
 * was computed as of. The report is reproducible from these two (same bytes: the hashes prove
 * it), and a later report compares its own values with this one's to name restatements.
 */
export const ReportIssued = z.object({
  period: z
    .string()
    .regex(/^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/)
    .describe('The report period: 2025, 2025-H1, 2025-Q3 or 2025-09'),
  asOf: z.iso.datetime({ offset: true }).describe('The instant the report was computed as of (UTC); GET /api/v1/reports/:period?asOf= reproduces it'),
  sha256: z
    .object({ xlsx: Sha256.describe('SHA-256 of the XLSX workbook'), pdf: Sha256.describe('SHA-256 of the PDF') })
    .describe('Hashes of the files as issued'),
});
