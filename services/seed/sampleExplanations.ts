/**
 * The sample departments explain some of the records filing review flagged in the seeded history
 * (填报说明), so the data-quality board shows both states on a first start: explained, and still
 * awaiting an explanation. Runs once, after seeding, when the flags are in the fact tables.
 */

export interface AwaitingRecord {
  eventId: string;
  unit: string;
  flags: readonly string[];
}

export interface SampleExplanationDeps {
  /** Whether every seeded record is in the fact tables. */
  caughtUp(): Promise<boolean>;
  /** Flagged records without an explanation, per the data-quality board (oldest first per unit). */
  awaiting(): Promise<AwaitingRecord[]>;
  file(body: { eventId: string; explanation: string }, actor: string): Promise<unknown>;
  /** Stop waiting (the platform stops). */
  stopped(): boolean;
}

const TEXTS: Record<string, string> = {
  'review:rdExpense-over-revenue': '企业处于研发投入期, 当年承担省级重大研发项目, 研发投入集中发生 (样例说明)',
  'review:rdExpense-yoy': '当年新建研发中心并引进研发团队, 研发费用较上年大幅增长 (样例说明)',
  'review:revenue-yoy': '新产品当年实现量产, 营业收入较上年大幅增长, 附销售合同 (样例说明)',
  'review:revenue-implausible': '集团合并报表口径填报, 已按单体口径核实 (样例说明)',
  'review:hte-without-rd': '研发费用此前计入管理费用, 已按研发费用加计扣除口径重新归集 (样例说明)',
};
const FALLBACK = '经核实, 数据填报无误, 附相关证明材料 (样例说明)';

/** Files an explanation for every second awaiting record (at most `max`); returns how many it filed. */
export async function fileSampleExplanations(deps: SampleExplanationDeps, options: { max?: number; pollMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  while (!(await deps.caughtUp())) {
    if (deps.stopped() || Date.now() > deadline) return 0;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
  const awaiting = await deps.awaiting();
  const chosen = awaiting.filter((_, i) => i % 2 === 0).slice(0, options.max ?? 20);
  let filed = 0;
  for (const a of chosen) {
    if (deps.stopped()) break;
    await deps.file({ eventId: a.eventId, explanation: TEXTS[a.flags[0] ?? ''] ?? FALLBACK }, `system:seed:${a.unit}`);
    filed++;
  }
  return filed;
}
