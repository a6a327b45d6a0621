import { EVENT_TYPES, type DomainEventOf, type RecordedEvent } from '../../contracts/events/index.ts';
import { baseRow, factTableDdl } from '../facts/common.ts';
import type { Projection, Row } from '../projection.ts';

type WarningEvent = DomainEventOf<'WarningRaised' | 'WarningCleared'>;

/**
 * The monitoring facts: every warning raised or cleared (`fact_warnings`, so GET /api/v1/warnings
 * answers as known at any instant), and every department record's source unit with its business
 * date (`fact_source_records`, what the source-overdue rule measures freshness by).
 */
export const monitoringFacts: Projection = {
  name: 'fact_monitoring',
  version: 3,
  handles: EVENT_TYPES,
  tables: [
    {
      name: 'fact_warnings',
      ddl: factTableDdl(
        `warning_id String,
  transition LowCardinality(String),
  rule_id String,
  rule_kind LowCardinality(String),
  rules_version UInt32,
  severity LowCardinality(String),
  subject_kind LowCardinality(String),
  subject_key String,
  kpi_id String,
  lead_unit String,
  dimension String,
  task UInt8,
  milestone_id String,
  source_unit String,
  period String,
  evaluated_on Date,
  measured Nullable(Float64),
  threshold Float64,
  message String`,
        'warning_id, event_id',
      ),
    },
    {
      name: 'fact_explanations',
      ddl: factTableDdl(`explains String,\n  flags Array(String),\n  explanation String,\n  unit LowCardinality(String),\n  filed_by String`, 'explains, event_id'),
    },
    {
      name: 'fact_source_records',
      ddl: factTableDdl(`unit LowCardinality(String),\n  system LowCardinality(String),\n  quality Array(String)`, 'unit, event_id'),
    },
  ],
  project(events: readonly RecordedEvent[]) {
    const warnings: Row[] = [];
    const sources: Row[] = [];
    const explanations: Row[] = [];
    for (const ev of events) {
      if (ev.type === 'WarningRaised' || ev.type === 'WarningCleared') {
        const e = ev as WarningEvent;
        const d = e.data;
        warnings.push({
          ...baseRow(ev), warning_id: d.warningId, transition: e.type === 'WarningRaised' ? 'raised' : 'cleared', rule_id: d.ruleId, rule_kind: d.ruleKind,
          rules_version: d.rulesVersion, severity: d.severity, subject_kind: d.subject.kind, subject_key: d.subject.key, kpi_id: d.subject.kpiId ?? '',
          lead_unit: d.subject.leadUnit ?? '', dimension: d.subject.dimension ?? '', task: d.subject.task ?? 0, milestone_id: d.subject.milestoneId ?? '',
          source_unit: d.subject.sourceUnit ?? '', period: d.period, evaluated_on: d.evaluatedOn, measured: d.measured, threshold: d.threshold, message: d.message,
        });
        continue;
      }
      if (ev.type === 'FilingExplanationFiled') {
        const d = (ev as DomainEventOf<'FilingExplanationFiled'>).data;
        explanations.push({ ...baseRow(ev), explains: d.explains, flags: d.flags, explanation: d.explanation, unit: d.unit, filed_by: d.filedBy });
        continue;
      }
      // The platform's own events (rule changes) are no department's data.
      if (ev.type === 'WarningRulesChanged' || !ev.source.unit) continue;
      sources.push({ ...baseRow(ev), unit: ev.source.unit, system: ev.source.system, quality: ev.quality ?? [] });
    }
    return { fact_warnings: warnings, fact_explanations: explanations, fact_source_records: sources };
  },
};
