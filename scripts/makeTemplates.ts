/**
 * Regenerates docs/templates/: README.md (one section per file template) and an example file of
 * each template, as CSV in GBK (what Excel on Chinese Windows saves) and as XLSX.
 * Run: npx tsx scripts/makeTemplates.ts
 */
import { stringify } from 'csv-stringify/sync';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { TEMPLATES, type FileTemplate, type TemplateColumn } from '../services/ingest/files/templates.ts';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const out = path.join(root, 'docs', 'templates');

const KIND_FORMAT: Record<TemplateColumn['kind'], string> = {
  text: '文本',
  date: '日期: 2024-01-02、2024/1/2、2024年1月2日 或 Excel 日期单元格',
  number: '数值: 可带千分位 (1,234.5)',
  integer: '整数',
  boolean: '是 / 否 (也可 Y/N、1/0、√/×)',
};

function exampleRows(t: FileTemplate): (string | number | boolean)[][] {
  const first = t.columns.map((c) => c.example);
  if (!t.example2) return [first];
  const second = t.columns.map((c) => {
    const override = t.example2![c.header] ?? c.aliases?.map((a) => t.example2![a]).find((v) => v !== undefined);
    return override ?? c.example;
  });
  return [first, second];
}

function csvCell(v: string | number | boolean): string {
  const s = typeof v === 'boolean' ? (v ? '是' : '否') : String(v);
  return stringify([[s]], { record_delimiter: '' });
}

function readme(): string {
  const lines: string[] = [
    '# 数据报送模板 (file templates)',
    '',
    '> 本文件由 `scripts/makeTemplates.ts` 根据 `services/ingest/files/templates.ts` 生成, 请勿手工修改。',
    '',
    '各部门以 CSV 或 XLSX 文件报送数据, 每种记录一个模板。上传: `POST /api/v1/ingest/files?template=<模板名>`',
    '(请求体为文件本身, `Content-Type: text/csv` 或 `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, 需 ingest 角色密钥),',
    '或命令行导入。可选参数 `document` (文件名/文号, 记入来源) 与 `batch` (批次号)。',
    '',
    '通用规则:',
    '',
    '- 第 1 行是表头 (中文列名, 见下表; 列的顺序不限, 多余的列被忽略; 列名中的空格、全角括号、`*` 不影响识别; 也可省略列名后的单位括号)。',
    '- 从第 2 行起每行一条记录; 空行被跳过。报告中的行号就是表格中看到的行号 (表头为第 1 行)。',
    '- CSV 编码: UTF-8 (带或不带 BOM) 或 GBK, 自动识别。XLSX 只读取第一个工作表。',
    '- 日期: `2024-01-02`、`2024/1/2`、`2024.1.2`、`2024年1月2日`、`20240102` 或 Excel 日期单元格。',
    '- 数值: 可带千分位逗号; 金额单位均为万元。是否类: 是/否、Y/N、1/0、√/×。',
    '- 每行独立处理: 有错误的行被拒绝 (报告给出行号、列名和原因), 其余行照常入库。',
    '- 重复上传同一文件是安全的: 已入库的行报告为 `duplicate`, 不会重复入库。同一编号内容有变化的行作为更正 (supersedes) 入库。',
    '- 统一社会信用代码、专利申请号校验位错误的行仍被接收, 但在报告中标记 (quality)。',
    '',
    '| 模板名 | 名称 | 记录类型 | 报送单位 | 示例文件 |',
    '|---|---|---|---|---|',
    ...TEMPLATES.map((t) => `| \`${t.name}\` | ${t.title} | \`${t.recordType}\` | ${t.sender} | [${t.name}.csv](${t.name}.csv) (GBK), [${t.name}.xlsx](${t.name}.xlsx) |`),
    '',
  ];
  for (const t of TEMPLATES) {
    lines.push(`## ${t.title} (\`${t.name}\`)`, '', t.description, '', `记录类型 \`${t.recordType}\`, 来源系统 "${t.system}", 报送单位: ${t.sender}.`, '');
    lines.push('| 列名 | 字段 | 必填 | 格式 | 说明 | 示例 |', '|---|---|---|---|---|---|');
    for (const c of t.columns) {
      const header = c.aliases?.length ? `${c.header} (或 ${c.aliases.join('、')})` : c.header;
      lines.push(`| ${header} | ${c.field ? `\`${c.field}\`` : '(不导入)'} | ${c.required ? '是' : '否'} | ${KIND_FORMAT[c.kind]} | ${c.description} | ${csvCell(c.example)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function xlsx(t: FileTemplate, file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  // Fixed metadata, so regenerating unchanged templates changes as little as possible.
  wb.creator = 'innovation-brain';
  wb.created = wb.modified = new Date('2025-01-01T00:00:00Z');
  const ws = wb.addWorksheet(t.title.slice(0, 31));
  ws.addRow(t.columns.map((c) => c.header));
  ws.getRow(1).font = { bold: true };
  for (const row of exampleRows(t)) {
    // Dates as real date cells, numbers as numbers: the importer must read what Excel writes.
    ws.addRow(
      row.map((v, i) => {
        const col = t.columns[i]!;
        if (col.kind === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
        if (col.kind === 'boolean' && typeof v === 'boolean') return v ? '是' : '否';
        return v === '' ? null : v;
      }),
    );
  }
  t.columns.forEach((c, i) => {
    const column = ws.getColumn(i + 1);
    column.width = Math.max(12, c.header.length * 2 + 2);
    if (c.kind === 'date') column.numFmt = 'yyyy-mm-dd';
    if (c.kind === 'text') column.numFmt = '@';
  });
  await wb.xlsx.writeFile(file);
}

mkdirSync(out, { recursive: true });
for (const t of TEMPLATES) {
  const csv = stringify([t.columns.map((c) => c.header), ...exampleRows(t).map((r) => r.map((v) => (typeof v === 'boolean' ? (v ? '是' : '否') : String(v))))], { record_delimiter: '\r\n' });
  writeFileSync(path.join(out, `${t.name}.csv`), iconv.encode(csv, 'gbk'));
  await xlsx(t, path.join(out, `${t.name}.xlsx`));
}
writeFileSync(path.join(out, 'README.md'), readme());
console.log(`wrote ${TEMPLATES.length} templates (README.md, .csv in GBK, .xlsx) to ${path.relative(process.cwd(), out) || out}`);
