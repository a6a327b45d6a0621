import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../contracts/errors.ts';
import { coerceCell } from '../../services/ingest/files/coerce.ts';
import { importFile } from '../../services/ingest/files/importFile.ts';
import { TEMPLATES } from '../../services/ingest/files/templates.ts';
import { createIngestService } from '../../services/ingest/ingestService.ts';
import { rec, uscc } from '../fixtures/ingest/records.ts';
import { freshStore, tempDir } from './support.ts';

const dir = tempDir('ingest-files');
const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'ingest');
const templatesDir = path.join(import.meta.dirname, '..', '..', 'docs', 'templates');
const options = { actor: 'key:test-files' };

function setup() {
  const { store } = freshStore(dir);
  return { store, svc: createIngestService({ store, personSalt: 'file-test-salt-0123' }) };
}

describe('when cells are coerced', () => {
  it('reads the date, number and yes/no spellings departments use', () => {
    expect(['2024-01-02', '2024/1/2', '2024.1.2', '2024年1月2日', '20240102', '2024-01-02 00:00:00'].map((v) => coerceCell(v, 'date'))).toEqual(Array(6).fill('2024-01-02'));
    expect(coerceCell(new Date(Date.UTC(2024, 0, 2)), 'date')).toBe('2024-01-02');
    expect(coerceCell(45293, 'date')).toBe('2024-01-02');
    expect(coerceCell('1,234.5', 'number')).toBe(1234.5);
    expect(coerceCell('１２', 'integer')).toBe(12);
    expect(coerceCell('是', 'boolean')).toBe(true);
    expect(coerceCell('否', 'boolean')).toBe(false);
    expect(coerceCell('  ', 'text')).toBeUndefined();
    expect(coerceCell('12 apples', 'number')).toBe('12 apples');
  });
});

describe('when a GBK CSV with Chinese headers is imported', () => {
  const file = path.join(fixtures, 'hightech-gbk.csv');

  it('stores the good rows and reports the bad ones by spreadsheet row and column', async () => {
    const { store, svc } = setup();
    const progress: [number, number | undefined][] = [];
    const report = await importFile(svc, file, { ...options, template: 'hightech-certificates', onProgress: (d, t) => progress.push([d, t]) });
    expect(report).toMatchObject({ received: 6, accepted: 4, rejected: 2, duplicates: 0, flagged: 1 });
    const rejected = report.results.filter((r) => r.status === 'rejected');
    expect(rejected).toEqual([
      { row: 5, status: 'rejected', code: 'validation', issues: [{ field: '发证日期', row: 5, reason: '应为日期 YYYY-MM-DD', value: '2023-13-45' }] },
      { row: 8, status: 'rejected', code: 'validation', issues: [expect.objectContaining({ field: '证书编号', row: 8, reason: expect.stringMatching(/高企证书编号格式错误/) })] },
    ]);
    expect(report.results.find((r) => r.row === 7)).toMatchObject({ status: 'accepted', quality: ['uscc-check:uscc'] });
    const [event] = await store.readStream(`enterprise-${uscc(102)}`);
    expect(event).toMatchObject({ occurredAt: '2023-12-05', source: { system: '高企认定', document: 'hightech-gbk.csv' }, data: { validUntil: '2026-12-04', renewal: true, techField: '新材料' } });
    const [quoted] = await store.readStream(`enterprise-${uscc(103)}`);
    expect(quoted?.data).toMatchObject({ issuedOn: '2023-12-31', validUntil: '2026-12-31' });
    expect(progress.at(-1)?.[0]).toBe(6);
  });

  it('stores nothing new when the same file is imported again', async () => {
    const { store, svc } = setup();
    await importFile(svc, file, { ...options, template: 'hightech-certificates' });
    const head = await store.head();
    const again = await importFile(svc, file, { ...options, template: 'hightech-certificates' });
    expect(again).toMatchObject({ received: 6, accepted: 0, duplicates: 4, rejected: 2 });
    expect(await store.head()).toEqual(head);
  });

  it('refuses a file that lacks a required column, before storing anything (its BOM header still read)', async () => {
    const { store, svc } = setup();
    const bad = path.join(dir, 'missing-column.csv');
    writeFileSync(bad, `\uFEFF统一社会信用代码,证书编号\r\n${uscc(1)},GR202342000001\r\n`);
    const err = await importFile(svc, bad, { ...options, template: 'hightech-certificates' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([{ field: '发证日期', row: 1, reason: '缺少必需列' }]);
    expect((await store.head()).events).toBe(0);
  });

  it('reads UTF-8 without a BOM, headers with spaces and full-width brackets, and values with thousands separators', async () => {
    const { store, svc } = setup();
    const utf8 = path.join(dir, 'registry-utf8.csv');
    writeFileSync(
      utf8,
      '统一社会信用代码,企业名称,成立日期,登记机关,行政区划代码,所属街道,行业代码, 注册资本（万元）\n' +
        `${uscc(7)},武汉一号公司,2021/3/5,新洲区市场监管局,420117,阳逻街道,C3911,"2,500.5"\n`,
    );
    const report = await importFile(svc, utf8, { ...options, template: 'enterprise-registry' });
    expect(report.accepted).toBe(1);
    const [event] = await store.readStream(`enterprise-${uscc(7)}`);
    expect(event?.data).toMatchObject({ name: '武汉一号公司', establishedOn: '2021-03-05', registeredCapital: 2500.5, origin: '其他' });
  });
});

describe('when an XLSX workbook is imported', () => {
  it('reads date cells, numbers and 是/否 from the first sheet, with row numbers', async () => {
    const { store, svc } = setup();
    const file = path.join(dir, 'financials.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('财务');
    ws.addRow(['统一社会信用代码', '年度', '营业收入(万元)', '研发费用(万元)', '职工人数', '科技人员数', '是否规上', '是否有研发机构']);
    ws.addRow([uscc(8), 2024, 12345.6, 800, 200, 15, '是', '否']);
    ws.addRow([uscc(9), '2024', '1,000', '50', '10', '20', 'Y', 'N']);
    ws.addRow([uscc(10), 2024, 'abc', 1, 1, 1, '是', '是']);
    await wb.xlsx.writeFile(file);

    const report = await importFile(svc, file, { ...options, template: 'annual-financials' });
    expect(report).toMatchObject({ received: 3, accepted: 2, rejected: 1 });
    expect(report.results[2]).toMatchObject({ row: 4, issues: [{ field: '营业收入(万元)', row: 4 }] });
    const [first] = await store.readStream(`enterprise-${uscc(8)}`);
    expect(first?.data).toMatchObject({ fiscalYear: 2024, revenue: 12345.6, employees: 200, techStaff: 15, aboveScale: true, hasRdInstitution: false });
    expect(report.results[1]).toMatchObject({ status: 'accepted', quality: ['implausible:techStaff'] });
  });
});

describe('the example files under docs/templates', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`all import cleanly as ${format}`, async () => {
      const { svc } = setup();
      // The fund-investment example needs its fund established first, the decision-closure one its meeting (business rules).
      await svc.ingest(
        [
          rec('FundEstablished', { fundId: 'CJ-ANGEL-01', name: '长江新区天使基金', level: '子基金', strategy: '天使', committed: 1, governmentCommitment: 1, manager: 'm', establishedOn: '2023-01-01' }),
          rec('GovernanceMeetingHeld', { meetingId: 'KCB-2024-03', body: '科创办', heldOn: '2024-06-12', decisions: [{ decisionId: 'KCB-2024-03-D1', text: '推进实训基地建设', dueOn: '2024-09-30' }] }),
        ],
        options,
      );
      for (const t of TEMPLATES) {
        const report = await importFile(svc, path.join(templatesDir, `${t.name}.${format}`), { ...options, template: t.name });
        expect({ template: t.name, rejected: report.results.filter((r) => r.status === 'rejected') }).toEqual({ template: t.name, rejected: [] });
        expect(report.accepted).toBeGreaterThan(0);
      }
    });
  }
});
