/**
 * Assessment exports over HTTP: a real express app on port 0 with the real export router over the
 * real KPI queries on chDB, the facts projected by the real runner from a real SQLite store holding
 * the hand fixture (test/fixtures/kpi/handFixture.ts, values worked out in test/kpi/handFixture.test.ts).
 */
import { tableFromIPC } from 'apache-arrow';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventFactory } from '../fixtures/kpi/eventFactory.ts';
import { EVENT_IDS as ID, FIRMS, HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { startKpiServer as startExportServer, type KpiServer as ExportServer } from '../support/kpiServer.ts';

/** Milestones whose titles a spreadsheet would run as formulas (and one that needs CSV quoting). */
const extra = createEventFactory('00000000-0000-4000-8e00-');
const INJECTION_TITLES = ['=HYPERLINK("http://evil.example","点我")', '+1+1', '-2+3', '@SUM(A1:A9)'];
const INJECTION_EVENTS = INJECTION_TITLES.map((title, i) =>
  extra.ev(`inj${i}`, 'TaskMilestoneReported', 'governance-milestones', '2024-10-20', {
    task: 14, milestoneId: `M14-X${i}`, title, unit: '市场监管局', dueOn: '2024-11-30', status: '进行中',
  }),
);

let server: ExportServer;
const MARKET = '市场监管局';
const KCJ = '科创局';

beforeAll(async () => {
  server = await startExportServer([...HAND_EVENTS, ...INJECTION_EVENTS]);
});

afterAll(async () => {
  await server?.stop();
});

async function get(p: string, key = server.keys.viewer): Promise<Response> {
  return fetch(`${server.url}/api/v1${p}`, { headers: { Authorization: `Bearer ${key}` } });
}

async function download(p: string): Promise<{ res: Response; body: Buffer }> {
  const res = await get(p);
  expect(res.status, await res.clone().text().catch(() => '')).toBe(200);
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

interface JsonScorecard {
  kpis: Array<{
    id: string;
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    target: number | null;
    attainment: number | null;
    previous: { period: string; value: number | null };
    changeOnPrevious: number | null;
    changeOnPreviousPct: number | null;
    lastYear: { period: string; value: number | null };
    changeOnLastYear: number | null;
    changeOnLastYearPct: number | null;
  }>;
  milestones: Array<{ milestoneId: string; title: string; done: boolean }>;
}

async function jsonScorecard(unit: string, period: string, asOf: string): Promise<JsonScorecard> {
  const res = await get(`/scorecards/${encodeURIComponent(unit)}?period=${period}&asOf=${encodeURIComponent(asOf)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as JsonScorecard;
}

/** The figures of a JSON scorecard entry, in the export's column order (value … 同比(%)). */
const figures = (k: JsonScorecard['kpis'][number]) => [
  k.value, k.numerator, k.denominator, k.target, k.attainment,
  k.previous.period, k.previous.value, k.changeOnPrevious, k.changeOnPreviousPct,
  k.lastYear.period, k.lastYear.value, k.changeOnLastYear, k.changeOnLastYearPct,
];

/** An instant after every fixture event was recorded (the last, 2025-05-01), well before today. */
const AS_OF = '2025-06-30T16:00:00.000Z';
const scorecardUrl = (unit: string, period: string, format: string, extraQs = '') =>
  `/exports/scorecards/${encodeURIComponent(unit)}?period=${period}&format=${format}${extraQs}`;

describe('when a lead unit downloads its assessment package as Excel', () => {
  it('holds the KPI sheet, 任务节点 and 说明 with the JSON scorecard values, bold frozen headers and number formats', async () => {
    const { res, body } = await download(scorecardUrl(MARKET, '2024-Q4', 'xlsx', `&asOf=${AS_OF}`));
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('x-brain-as-of')).toBe(AS_OF);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="scorecard_2024-Q4.xlsx"; filename*=UTF-8''${encodeURIComponent('市场监管局_2024-Q4_考核.xlsx')}`,
    );

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['部门考核', '任务节点', '说明']);
    expect(wb.created.toISOString()).toBe(AS_OF);
    expect(wb.modified.toISOString()).toBe(AS_OF);

    const ws = wb.getWorksheet('部门考核')!;
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, 11)).toEqual(['指标编号', '指标名称', '任务', '维度', '期间', '单位', '数值', '分子', '分母', '目标值', '完成率']);
    expect(headers).toEqual(expect.arrayContaining(['环比', '同比', '环比(%)', '同比(%)', '上期值', '去年同期值', '指标定义']));
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getColumn(2).width).toBeGreaterThan(20);

    const card = await jsonScorecard(MARKET, '2024-Q4', AS_OF);
    expect(ws.rowCount - 1).toBe(card.kpis.length);
    const col = (name: string) => headers.indexOf(name) + 1;
    card.kpis.forEach((k, i) => {
      const row = ws.getRow(i + 2);
      expect(row.getCell(col('指标编号')).value).toBe(k.id);
      const exported = ['数值', '分子', '分母', '目标值', '完成率', '上期', '上期值', '环比', '环比(%)', '去年同期', '去年同期值', '同比', '同比(%)'].map(
        (h) => row.getCell(col(h)).value ?? null,
      );
      expect(exported).toEqual(figures(k));
    });
    // Hand-worked (test/kpi/handFixture.test.ts): 3 valid invention patents ÷ 30 万人 = 0.1 against 0.08 → 125 %, uncapped.
    const inv = ws.getRow(card.kpis.findIndex((k) => k.id === 'invention_patents_per_10k') + 2);
    expect(inv.getCell(col('指标名称')).value).toBe('每万人口发明专利拥有量');
    expect(inv.getCell(col('数值')).value).toBe(0.1);
    expect(inv.getCell(col('完成率')).value).toBe(1.25);
    expect(inv.getCell(col('完成率')).numFmt).toBe('0.0%');
    expect(inv.getCell(col('同比(%)')).value).toBe(25);
    const pledge = ws.getRow(card.kpis.findIndex((k) => k.id === 'ip_pledge_financing') + 2);
    expect(pledge.getCell(col('上期值')).value).toBe(1000);
    expect(pledge.getCell(col('上期值')).numFmt).toBe('#,##0');

    const ms = wb.getWorksheet('任务节点')!;
    expect((ms.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['任务', '节点编号', '节点名称']);
    const ids = ms.getColumn(2).values.slice(2);
    expect(ids).toEqual(card.milestones.map((m) => m.milestoneId));
    // Formula-looking titles stay text.
    const titles = ms.getColumn(3).values.slice(2);
    expect(titles).toContain(`'${INJECTION_TITLES[0]}`);
    expect(titles).toContain('高价值专利培育中心挂牌');

    const meta = wb.getWorksheet('说明')!;
    const kv = Object.fromEntries(meta.getColumn(3).values.slice(2).map((key, i) => [String(key), meta.getRow(i + 2).getCell(2).value]));
    expect(kv).toMatchObject({ as_of: AS_OF, lead_unit: MARKET, period: '2024-Q4', export: '部门考核 (scorecard)' });
    expect(String(kv.request)).toContain(`asOf=${encodeURIComponent(AS_OF)}`);
  });
});

describe('when the package is downloaded as CSV', () => {
  it('starts with a BOM, has Chinese headers, CRLF lines, RFC 4180 quoting and the JSON values', async () => {
    const { res, body } = await download(scorecardUrl(MARKET, '2024-Q4', 'csv', `&asOf=${AS_OF}`));
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('x-brain-as-of')).toBe(AS_OF);
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('市场监管局_2024-Q4_考核.csv')}`);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.subarray(3).toString('utf8');
    expect(text.startsWith('指标编号,指标名称,任务,维度,期间,单位,数值,分子,分母,目标值,完成率,上期,上期值,环比,环比(%),去年同期,去年同期值,同比,同比(%)')).toBe(true);
    expect(text).not.toContain('# as of');
    expect(text.split('\r\n').at(-1)).toBe('');
    expect(text.replaceAll('\r\n', '')).not.toContain('\n');

    const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
    const card = await jsonScorecard(MARKET, '2024-Q4', AS_OF);
    expect(rows.map((r) => r['指标编号'])).toEqual(card.kpis.map((k) => k.id));
    const asCsv = (v: string | number | null) => (v === null ? '' : String(v));
    rows.forEach((r, i) => {
      const k = card.kpis[i]!;
      expect(['数值', '分子', '分母', '目标值', '完成率', '上期', '上期值', '环比', '环比(%)', '去年同期', '去年同期值', '同比', '同比(%)'].map((h) => r[h])).toEqual(
        figures(k).map(asCsv),
      );
    });
    expect(rows.find((r) => r['指标编号'] === 'invention_patents_per_10k')).toMatchObject({ 数值: '0.1', 目标值: '0.08', 完成率: '1.25', 单位: '件/万人' });
    // Negative numbers are numbers, not formulas: they are written as they are.
    expect(rows.find((r) => r['指标编号'] === 'ip_pledge_financing')).toMatchObject({ 环比: '-1000', '环比(%)': '-100' });
  });

  it('gives the milestones with part=milestones, formula-looking titles neutralised and quoted', async () => {
    const { res, body } = await download(scorecardUrl(MARKET, '2024-Q4', 'csv', `&asOf=${AS_OF}&part=milestones`));
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('市场监管局_2024-Q4_考核_任务节点.csv'));
    const text = body.subarray(3).toString('utf8');
    // The HYPERLINK title has quotes and a comma: quoted, quotes doubled, and prefixed with '.
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['任务', '节点编号', '节点名称', '责任单位', '计划完成日期', '状态', '完成日期', '已完成', '逾期', '事件编号']);
    const titles = rows.map((r) => r['节点名称']);
    expect(titles).toEqual(expect.arrayContaining(INJECTION_TITLES.map((t) => `'${t}`)));
    expect(titles.filter((t) => /^[=+\-@]/.test(t!))).toEqual([]);
    expect(rows.find((r) => r['节点编号'] === 'M14-1')).toMatchObject({ 节点名称: '高价值专利培育中心挂牌', 状态: '已完成', 已完成: '是', 逾期: '否', 事件编号: ID.m141 });
  });
});

describe('when an analyst downloads the package as Arrow or Parquet', () => {
  it('reads the Arrow IPC stream back with snake_case columns, the JSON values and the as-of in the schema metadata', async () => {
    const { res, body } = await download(scorecardUrl(MARKET, '2024-Q4', 'arrow', `&asOf=${AS_OF}`));
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(body);
    expect(table.schema.fields.map((f) => f.name).slice(0, 11)).toEqual([
      'kpi_id', 'kpi_name', 'task', 'dimension', 'period', 'unit', 'value', 'numerator', 'denominator', 'target', 'attainment',
    ]);
    expect(table.schema.metadata.get('as_of')).toBe(AS_OF);
    expect(table.schema.metadata.get('lead_unit')).toBe(MARKET);
    expect(JSON.parse(table.schema.metadata.get('column_labels_zh')!)).toMatchObject({ attainment: '完成率', change_on_last_year: '同比' });
    const card = await jsonScorecard(MARKET, '2024-Q4', AS_OF);
    const rows = table.toArray().map((r) => r.toJSON() as Record<string, unknown>);
    expect(rows.map((r) => r.kpi_id)).toEqual(card.kpis.map((k) => k.id));
    rows.forEach((r, i) => {
      expect([
        r.value, r.numerator, r.denominator, r.target, r.attainment, r.previous_period, r.previous_value, r.change_on_previous, r.change_on_previous_pct,
        r.last_year_period, r.last_year_value, r.change_on_last_year, r.change_on_last_year_pct,
      ]).toEqual(figures(card.kpis[i]!));
    });
  });

  it('has the engine read the Parquet file back, with the as-of in its key-value metadata', async () => {
    const { res, body } = await download(scorecardUrl(MARKET, '2024-Q4', 'parquet', `&asOf=${AS_OF}`));
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('市场监管局_2024-Q4_考核.parquet'));
    const rows = await server.olap.query<Record<string, unknown>>(
      `SELECT kpi_id, value, numerator, denominator, target, attainment, previous_period, previous_value, change_on_previous, change_on_previous_pct,
              last_year_period, last_year_value, change_on_last_year, change_on_last_year_pct
       FROM format(Parquet, base64Decode({b:String}))`,
      { b: body.toString('base64') },
    );
    const card = await jsonScorecard(MARKET, '2024-Q4', AS_OF);
    expect(rows.map((r) => r.kpi_id)).toEqual(card.kpis.map((k) => k.id));
    rows.forEach((r, i) => expect(Object.values(r).slice(1)).toEqual(figures(card.kpis[i]!)));
    const meta = parquetMetadata(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    const kv = Object.fromEntries((meta.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    expect(kv).toMatchObject({ as_of: AS_OF, lead_unit: MARKET, period: '2024-Q4' });
  });
});

describe('when an export is asked again with the same asOf after a correction arrived', () => {
  it('returns byte-identical files in every format, and the restated value without asOf', async () => {
    // The 科创局 scorecard (XLSX, CSV) and the tech-contract series (Arrow, Parquet) hold the value the correction changes.
    const exports = {
      xlsx: (qs: string) => scorecardUrl(KCJ, '2024-Q2', 'xlsx', qs),
      csv: (qs: string) => scorecardUrl(KCJ, '2024-Q2', 'csv', qs),
      arrow: (qs: string) => `/exports/kpis/tech_contract_turnover/series?from=2024-Q2&to=2024-Q2&grain=quarter&format=arrow${qs}`,
      parquet: (qs: string) => `/exports/kpis/tech_contract_turnover/series?from=2024-Q2&to=2024-Q2&grain=quarter&format=parquet${qs}`,
    };
    const formats = Object.keys(exports) as Array<keyof typeof exports>;
    // First without asOf: "now", which the response names.
    const first = await download(exports.xlsx(''));
    const t = first.res.headers.get('x-brain-as-of')!;
    expect(Date.parse(t)).toBeLessThanOrEqual(Date.now());
    const at = `&asOf=${encodeURIComponent(t)}`;
    const before: Record<string, Buffer> = {};
    for (const f of formats) before[f] = (await download(exports[f](at))).body;
    expect(before.xlsx!.equals(first.body)).toBe(true);
    const csvBefore = parseCsv(before.csv!.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    // Hand-worked: Q2 contracts 500 + 300 + 250 (T3 as corrected in 2024) = 1050 万 = 0.105 亿.
    expect(csvBefore.find((r) => r['指标编号'] === 'tech_contract_turnover')).toMatchObject({ 数值: '0.105', 完成率: '2.1' });
    expect(tableFromIPC(before.arrow!).get(0)?.value).toBe(0.105);

    // A later correction: T1 was 900 万 (tech 800), not 500; recorded after t.
    await new Promise((r) => setTimeout(r, 5));
    const fix = createEventFactory('00000000-0000-4000-8e10-');
    await server.append([
      fix.ev('T1fix', 'TechContractRegistered', 'transfer-2024420100000001', '2024-04-15', {
        registrationNumber: '2024420100000001', registeredOn: '2024-04-15', contractType: '技术开发',
        seller: { uscc: FIRMS.A, name: '阳光智能' }, buyer: { uscc: FIRMS.D, name: '关山光电' }, totalAmount: 900, techTransactionAmount: 800,
      }, { recordedAt: new Date().toISOString(), supersedes: ID.T1! }),
    ]);
    await new Promise((r) => setTimeout(r, 5));

    for (const f of formats) {
      const again = await download(exports[f](at));
      expect(again.res.headers.get('x-brain-as-of')).toBe(t);
      expect(again.body.equals(before[f]!), `${f} bytes changed`).toBe(true);
    }
    const now = await download(exports.csv(''));
    expect(Date.parse(now.res.headers.get('x-brain-as-of')!)).toBeGreaterThan(Date.parse(t));
    const csvNow = parseCsv(now.body.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    // 900 + 300 + 250 = 1450 万 = 0.145 亿 against the prorated 0.05 → 2.9.
    expect(csvNow.find((r) => r['指标编号'] === 'tech_contract_turnover')).toMatchObject({ 数值: '0.145', 完成率: '2.9' });
    const parquetNow = (await download(exports.parquet(''))).body;
    const [restated] = await server.olap.query<{ value: number }>(`SELECT value FROM format(Parquet, base64Decode({b:String}))`, { b: parquetNow.toString('base64') });
    expect(restated?.value).toBe(0.145);
  });
});

describe('when a KPI series or drill-down is exported', () => {
  it('exports the series with one row per period and the components as their own columns', async () => {
    const { res, body } = await download(`/exports/kpis/hte_count/series?from=2024-01-01&to=2025-03-31&grain=quarter&asOf=${AS_OF}&format=csv`);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="hte_count_2024-01-01_2025-03-31_quarter.csv"; filename*=UTF-8''${encodeURIComponent('有效期内高新技术企业数_2024-01-01至2025-03-31_季度.csv')}`,
    );
    const rows = parseCsv(body.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    // Hand-worked: 3, 4, 3, 2, 1 with C new in Q1, E new in Q2, C moved out in Q3, E revoked in Q4, A expired in 2025-Q1.
    expect(rows.map((r) => [r['期间'], r['数值'], r['新认定'], r['迁出'], r['撤销'], r['到期']])).toEqual([
      ['2024-Q1', '3', '1', '0', '0', '0'],
      ['2024-Q2', '4', '1', '0', '0', '0'],
      ['2024-Q3', '3', '0', '1', '0', '0'],
      ['2024-Q4', '2', '0', '0', '1', '0'],
      ['2025-Q1', '1', '0', '0', '0', '1'],
    ]);
  });

  it('takes the default end of a series from asOf, so the same asOf means the same range', async () => {
    const { res, body } = await download(`/exports/kpis/kcw_meetings_held/series?from=2024&grain=year&asOf=${AS_OF}&format=arrow`);
    const table = tableFromIPC(body);
    expect(table.toArray().map((r) => [r.period, r.value, r.target])).toEqual([['2024', 2, 2], ['2025', 0, 2]]);
    expect(table.schema.metadata.get('to')).toBe('2025-07');
    expect(res.headers.get('x-brain-as-of')).toBe(AS_OF);
  });

  it('exports the entities and events behind a value', async () => {
    const { body } = await download(`/exports/kpis/hte_count/drilldown?period=2024-Q3&asOf=${AS_OF}&format=parquet`);
    const rows = await server.olap.query<{ entity: string; name: string; x: number; event_ids: string; detail_movement: string }>(
      `SELECT entity, name, x, event_ids, detail_movement FROM format(Parquet, base64Decode({b:String})) ORDER BY entity`,
      { b: body.toString('base64') },
    );
    expect(rows).toEqual(
      [
        { entity: FIRMS.A, name: '阳光智能', x: 1, event_ids: ID.hteA, detail_movement: '' },
        { entity: FIRMS.B, name: '长江生物', x: 1, event_ids: ID.hteB, detail_movement: '' },
        { entity: FIRMS.C, name: '后湖数据', x: 0, event_ids: ID.hteC, detail_movement: 'moved_out' },
        { entity: FIRMS.E, name: '双柳新材', x: 1, event_ids: ID.hteE, detail_movement: '' },
      ].sort((a, b) => (a.entity < b.entity ? -1 : 1)),
    );
  });
});

describe('when a parameter is wrong', () => {
  const cases: Array<[string, string, string]> = [
    ['an unknown format', scorecardUrl(MARKET, '2024', 'pdf'), 'format'],
    ['an unknown lead unit', scorecardUrl('宣传部', '2024', 'csv'), 'leadUnit'],
    ['a bad period', scorecardUrl(MARKET, '2024-Q5', 'csv'), 'period'],
    ['a missing period', `/exports/scorecards/${encodeURIComponent(MARKET)}?format=csv`, 'period'],
    ['an asOf in the future', scorecardUrl(MARKET, '2024', 'csv', '&asOf=2999-01-01T00:00:00Z'), 'asOf'],
    ['an asOf that is no instant', scorecardUrl(MARKET, '2024', 'csv', '&asOf=yesterday'), 'asOf'],
    ['an unknown KPI', '/exports/kpis/no_such_kpi/series?format=csv', 'id'],
    ['a grain the KPI does not have', '/exports/kpis/enterprise_rd_intensity/series?grain=quarter&format=csv', 'grain'],
    ['a bad drill-down period', '/exports/kpis/hte_count/drilldown?period=24Q1&format=csv', 'period'],
  ];
  it.each(cases)('answers %s with a 400 problem naming the parameter', async (_what, url, field) => {
    const res = await get(url);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { status: number; errors?: Array<{ field: string }> };
    expect(problem.status).toBe(400);
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });

  it('refuses a request without a key and one from the ingest role', async () => {
    expect((await fetch(`${server.url}/api/v1${scorecardUrl(MARKET, '2024', 'csv')}`)).status).toBe(401);
    expect((await get(scorecardUrl(MARKET, '2024', 'csv'), server.keys.ingest)).status).toBe(403);
  });
});
