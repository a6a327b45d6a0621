import { z } from 'zod';
import { ConflictError, ValidationError } from '../../contracts/errors.ts';
import { EVENT_DEFINITIONS, type DomainEventOf } from '../../contracts/events/index.ts';
import { DEFAULT_WARNING_RULES } from '../../contracts/events/monitoring.ts';
import { RuleChange, type RuleSetView } from '../../contracts/monitoring.ts';
import type { EventStore } from '../../contracts/ports.ts';
import { canonicalJson, uuidV5 } from '../ingest/eventId.ts';
import { toFieldIssues } from '../ingest/ingestService.ts';

export type { RuleSetView };

/** The one stream of rule-table changes. */
export const RULES_STREAM = 'warningrules-main';

export interface RuleBook {
  current(): Promise<RuleSetView>;
  /** The table as it was at an instant (only changes recorded by then). */
  at(instant: Date): Promise<RuleSetView>;
  /** Validates and records a new version (a WarningRulesChanged event); an unchanged table records nothing. */
  change(body: unknown, actor: string): Promise<RuleSetView & { changed: boolean }>;
}

const DEFAULTS = { version: 1, changedAt: null, changedBy: '系统默认', reason: null } as const;

/** The versioned rule table, kept as events in the store: version 1 is the code's defaults. */
export function createRuleBook(deps: { store: EventStore; now?: () => Date }): RuleBook {
  const now = deps.now ?? (() => new Date());
  async function read(until?: Date): Promise<{ view: RuleSetView; streamVersion: number }> {
    const events = (await deps.store.readStream(RULES_STREAM)).filter(
      (e): e is DomainEventOf<'WarningRulesChanged'> & { streamVersion: number; position: number } =>
        e.type === 'WarningRulesChanged' && (until === undefined || Date.parse(e.recordedAt) <= until.getTime()),
    );
    const history: RuleSetView['history'] = [{ ...DEFAULTS }];
    for (const e of events) history.push({ version: e.data.version, changedAt: e.recordedAt, changedBy: e.data.changedBy, reason: e.data.reason ?? null });
    const last = events.at(-1);
    const view: RuleSetView = last
      ? { version: last.data.version, rules: last.data.rules, changedAt: last.recordedAt, changedBy: last.data.changedBy, reason: last.data.reason ?? null, history }
      : { ...DEFAULTS, rules: [...DEFAULT_WARNING_RULES], history };
    return { view, streamVersion: last ? last.streamVersion : -1 };
  }

  return {
    async current() {
      return (await read()).view;
    },
    async at(instant) {
      return (await read(instant)).view;
    },
    async change(body, actor) {
      const parsed = RuleChange.safeParse(body, { error: z.locales.zhCN().localeError });
      if (!parsed.success) {
        const issues = toFieldIssues(parsed.error, body);
        throw new ValidationError(`预警规则无效: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
      }
      const { view, streamVersion } = await read();
      const change = parsed.data;
      if (change.basedOnVersion !== undefined && change.basedOnVersion !== view.version)
        throw new ConflictError(`规则已被修改: 当前版本 ${view.version}, 提交基于版本 ${change.basedOnVersion}; 请重新读取后再修改`, RULES_STREAM, change.basedOnVersion, view.version);
      if (canonicalJson(change.rules) === canonicalJson(view.rules)) return { ...view, changed: false };
      const version = view.version + 1;
      const recordedAt = now().toISOString();
      const data = { version, rules: change.rules, changedBy: actor, ...(change.reason ? { reason: change.reason } : {}) };
      await deps.store.append(
        RULES_STREAM,
        [{ type: 'WarningRulesChanged', schemaVersion: EVENT_DEFINITIONS.WarningRulesChanged.version, eventId: uuidV5(`warning-rules:${version}:${canonicalJson(change.rules)}`), streamId: RULES_STREAM, occurredAt: recordedAt, recordedAt, source: { system: '创新大脑' }, actor, data }],
        { expectedVersion: streamVersion < 0 ? 'no_stream' : streamVersion },
      );
      return { ...(await read()).view, changed: true };
    },
  };
}
