import type { EventType } from '../../../contracts/events/index.ts';

/** How a cell is read: text as is, dates in the usual Chinese spellings, numbers with separators, 是/否. */
export type ColumnKind = 'text' | 'date' | 'number' | 'integer' | 'boolean';

export interface TemplateColumn {
  /** The Chinese header as departments write it (row 1). */
  header: string;
  /** Other spellings seen in departments' files. */
  aliases?: readonly string[];
  /** Path in the record's `data` (`seller.name`, `owners.0.uscc`); absent = informational, not imported. */
  field?: string;
  kind: ColumnKind;
  required: boolean;
  description: string;
  example: string | number | boolean;
}

export interface FileTemplate {
  name: string;
  title: string;
  recordType: EventType;
  /** The source system recorded on every event of the file. */
  system: string;
  /** Who usually sends it. */
  sender: string;
  description: string;
  columns: readonly TemplateColumn[];
  /** A second example row, so the example files show more than one case. */
  example2?: Record<string, string | number | boolean>;
}

const USCC_COL = (header = '统一社会信用代码', field = 'uscc', required = true): TemplateColumn => ({
  header,
  aliases: header === '统一社会信用代码' ? ['社会信用代码', '信用代码', '企业统一社会信用代码'] : [],
  field,
  kind: 'text',
  required,
  description: '18 位 (GB 32100); 校验位错误时仍接收, 但标记数据质量问题',
  example: '914403001922038216',
});
const NAME_COL: TemplateColumn = { header: '企业名称', kind: 'text', required: false, description: '仅供核对, 不导入 (以登记信息为准)', example: '武汉示例科技有限公司' };

/** Every file template departments send; the README and example files are generated from these. */
export const TEMPLATES: readonly FileTemplate[] = [
  {
    name: 'enterprise-registry',
    title: '企业登记信息',
    recordType: 'EnterpriseRegistered',
    system: '市场监管登记',
    sender: '市场监管局',
    description: '市场主体登记库导出: 新登记或迁入的企业, 每行一户.',
    columns: [
      USCC_COL(),
      { header: '企业名称', aliases: ['名称', '市场主体名称'], field: 'name', kind: 'text', required: true, description: '登记名称', example: '武汉示例科技有限公司' },
      { header: '成立日期', aliases: ['成立时间'], field: 'establishedOn', kind: 'date', required: true, description: '日期, 如 2021-03-15 或 2021/3/15', example: '2021-03-15' },
      { header: '登记机关', field: 'registeringOffice', kind: 'text', required: true, description: '登记机关名称', example: '武汉市新洲区市场监督管理局' },
      { header: '行政区划代码', aliases: ['区划代码'], field: 'divisionCode', kind: 'text', required: true, description: '6 位 GB/T 2260 代码', example: '420117' },
      { header: '所属街道', aliases: ['街道'], field: 'street', kind: 'text', required: true, description: '街道 (乡镇) 名称, 决定是否在新区内', example: '阳逻街道' },
      { header: '所属园区', aliases: ['园区'], field: 'park', kind: 'text', required: false, description: '园区名称', example: '阳逻开发区' },
      { header: '行业代码', aliases: ['国民经济行业代码'], field: 'industryCode', kind: 'text', required: true, description: 'GB/T 4754 代码, 如 C3911', example: 'C3911' },
      { header: '行业名称', field: 'industry', kind: 'text', required: false, description: '行业名称', example: '计算机整机制造' },
      { header: '注册资本(万元)', aliases: ['注册资本'], field: 'registeredCapital', kind: 'number', required: true, description: '万元, 可带千分位', example: 1000 },
      { header: '企业来源', field: 'origin', kind: 'text', required: false, description: '招商 / 大赛 / 孵化 / 内部创业 / 其他 (默认其他)', example: '招商' },
    ],
    example2: { 统一社会信用代码: '91430111MA4L41YT1U', 企业名称: '武汉长江新材料有限公司', 成立日期: '2019/7/1', 注册资本: '2,500', 所属园区: '', 企业来源: '孵化' },
  },
  {
    name: 'hightech-certificates',
    title: '高新技术企业认定名单',
    recordType: 'HighTechCertified',
    system: '高企认定',
    sender: '科创局',
    description: '高企认定 (含重新认定) 公示名单, 每张证书一行. 同一证书编号再次报送: 内容相同为重复, 内容变化为更正.',
    columns: [
      USCC_COL(),
      NAME_COL,
      { header: '证书编号', aliases: ['高企证书编号', '证书号'], field: 'certificateNumber', kind: 'text', required: true, description: 'GR + 年份 + 省份代码 + 6 位流水号', example: 'GR202342001234' },
      { header: '发证日期', aliases: ['发证时间', '认定日期'], field: 'issuedOn', kind: 'date', required: true, description: '日期', example: '2023-11-20' },
      { header: '有效期至', aliases: ['有效期'], field: 'validUntil', kind: 'date', required: false, description: '默认发证日期 + 3 年', example: '2026-11-20' },
      { header: '是否重新认定', aliases: ['重新认定'], field: 'renewal', kind: 'boolean', required: false, description: '是 / 否 (默认否)', example: '否' },
      { header: '技术领域', field: 'techField', kind: 'text', required: false, description: '八大领域之一', example: '电子信息' },
    ],
    example2: { 统一社会信用代码: '91430111MA4L41YT1U', 证书编号: 'GR202242000567', 发证日期: '2022/12/14', 有效期至: '', 是否重新认定: '是' },
  },
  {
    name: 'tech-sme',
    title: '科技型中小企业入库名单',
    recordType: 'TechSmeRegistered',
    system: '科技型中小企业平台',
    sender: '科创局',
    description: '科技型中小企业评价入库名单 (每年一次), 每户一行.',
    columns: [
      USCC_COL(),
      NAME_COL,
      { header: '入库年度', aliases: ['年度'], field: 'year', kind: 'integer', required: true, description: '4 位年份', example: 2024 },
      { header: '入库登记编号', aliases: ['登记编号', '入库编号'], field: 'registrationNumber', kind: 'text', required: true, description: '平台入库编号', example: '202442011700123' },
    ],
  },
  {
    name: 'tech-contracts',
    title: '技术合同登记',
    recordType: 'TechContractRegistered',
    system: '技术合同登记',
    sender: '科创局 (技术市场)',
    description: '技术合同认定登记明细, 每份合同一行. 同一登记号内容变化为更正.',
    columns: [
      { header: '合同登记号', aliases: ['登记号'], field: 'registrationNumber', kind: 'text', required: true, description: '6–40 位字母、数字或 -', example: '2024420100001234' },
      { header: '登记日期', field: 'registeredOn', kind: 'date', required: true, description: '日期', example: '2024-05-06' },
      { header: '合同类型', field: 'contractType', kind: 'text', required: true, description: '技术开发 / 技术转让 / 技术许可 / 技术咨询 / 技术服务', example: '技术开发' },
      { header: '卖方名称', aliases: ['卖方'], field: 'seller.name', kind: 'text', required: true, description: '技术卖方 (受托方)', example: '武汉示例科技有限公司' },
      USCC_COL('卖方统一社会信用代码', 'seller.uscc', false),
      { header: '买方名称', aliases: ['买方'], field: 'buyer.name', kind: 'text', required: true, description: '技术买方 (委托方)', example: '湖北某制造有限公司' },
      { ...USCC_COL('买方统一社会信用代码', 'buyer.uscc', false), example: '' },
      { header: '合同总金额(万元)', aliases: ['合同金额(万元)', '合同金额'], field: 'totalAmount', kind: 'number', required: true, description: '万元', example: 120 },
      { header: '技术交易额(万元)', aliases: ['技术交易额'], field: 'techTransactionAmount', kind: 'number', required: true, description: '万元', example: 100 },
    ],
  },
  {
    name: 'patents',
    title: '专利授权',
    recordType: 'PatentGranted',
    system: '专利',
    sender: '市场监管局 (知识产权)',
    description: '专利授权明细, 每件专利一行 (一个专利权人; 多个权利人请按第一权利人报送).',
    columns: [
      { header: '申请号', aliases: ['专利申请号', '专利号'], field: 'applicationNumber', kind: 'text', required: true, description: '如 202310123456.6 (可带 CN/ZL 前缀); 校验位错误时仍接收并标记', example: '202310123456.6' },
      { header: '专利类型', field: 'patentType', kind: 'text', required: true, description: '发明 / 实用新型 / 外观设计', example: '发明' },
      { header: '专利名称', aliases: ['名称'], field: 'title', kind: 'text', required: false, description: '发明名称', example: '一种电池管理方法' },
      { header: '专利权人', aliases: ['权利人'], field: 'owners.0.name', kind: 'text', required: true, description: '第一专利权人名称', example: '武汉示例科技有限公司' },
      USCC_COL('专利权人统一社会信用代码', 'owners.0.uscc', false),
      { header: 'IPC分类号', aliases: ['IPC', '主分类号'], field: 'ipc', kind: 'text', required: true, description: '如 H01M10/42', example: 'H01M10/42' },
      { header: '申请日', aliases: ['申请日期'], field: 'appliedOn', kind: 'date', required: true, description: '日期', example: '2023-01-05' },
      { header: '授权公告日', aliases: ['授权日', '授权日期'], field: 'grantedOn', kind: 'date', required: true, description: '日期', example: '2024-06-01' },
      { header: '战略性新兴产业', field: 'strategicEmergingIndustry', kind: 'boolean', required: false, description: '是 / 否 (高价值专利认定)', example: '是' },
      { header: '有海外同族', aliases: ['海外同族'], field: 'overseasFamily', kind: 'boolean', required: false, description: '是 / 否', example: '否' },
      { header: '已质押融资', aliases: ['质押融资'], field: 'pledged', kind: 'boolean', required: false, description: '是 / 否', example: '否' },
      { header: '获专利奖', aliases: ['获奖'], field: 'award', kind: 'boolean', required: false, description: '是 / 否', example: '否' },
    ],
  },
  {
    name: 'incubator-tenants',
    title: '孵化载体在孵企业入孵登记',
    recordType: 'IncubatorTenantAdmitted',
    system: '孵化载体报送',
    sender: '各孵化载体 / 科创局',
    description: '新入孵的企业或团队, 每个在孵主体一行.',
    columns: [
      { header: '载体编号', field: 'incubatorId', kind: 'text', required: true, description: '科创局分配的载体编号 (字母、数字、_ . -)', example: 'INC-001' },
      { header: '在孵主体编号', aliases: ['企业编号', '团队编号'], field: 'tenantId', kind: 'text', required: true, description: '企业填统一社会信用代码, 团队填团队编号', example: '914403001922038216' },
      { header: '在孵主体名称', aliases: ['企业名称', '团队名称'], field: 'tenantName', kind: 'text', required: true, description: '名称', example: '武汉示例科技有限公司' },
      USCC_COL('统一社会信用代码', 'tenantUscc', false),
      { header: '所属领域', field: 'field', kind: 'text', required: false, description: '生物医药 / 集成电路设计 / 农业 / 其他 (前三者孵化期 60 个月)', example: '其他' },
      { header: '入孵日期', aliases: ['入孵时间'], field: 'admittedOn', kind: 'date', required: true, description: '日期', example: '2024-03-01' },
    ],
  },
  {
    name: 'fund-investments',
    title: '基金投资明细',
    recordType: 'FundInvestmentMade',
    system: '基金报送',
    sender: '财政国资局 / 基金管理人',
    description: '政府引导基金及子基金的投资明细, 每笔投资一行. 基金须已设立 (FundEstablished).',
    columns: [
      { header: '基金编号', field: 'fundId', kind: 'text', required: true, description: '基金编号 (字母、数字、_ . -)', example: 'CJ-ANGEL-01' },
      { header: '投资编号', aliases: ['项目编号'], field: 'investmentId', kind: 'text', required: true, description: '基金内唯一的投资编号', example: 'INV-2024-001' },
      USCC_COL('被投企业统一社会信用代码', 'investeeUscc', true),
      { header: '被投企业名称', field: 'investeeName', kind: 'text', required: true, description: '名称', example: '武汉示例科技有限公司' },
      { header: '投资轮次', aliases: ['轮次'], field: 'round', kind: 'text', required: true, description: '种子 / 天使 / Pre-A / A / B / C / D及以后 / Pre-IPO / 战略', example: '天使' },
      { header: '投资金额(万元)', aliases: ['投资金额'], field: 'amount', kind: 'number', required: true, description: '万元', example: 800 },
      { header: '投资日期', field: 'investedOn', kind: 'date', required: true, description: '日期', example: '2024-06-18' },
    ],
  },
  {
    name: 'talent',
    title: '人才引进',
    recordType: 'TalentIntroduced',
    system: '人才报送',
    sender: '组织部 (人才办)',
    description: '入选人才计划的引进人才, 每人一行. 身份证号只用于生成加盐哈希 (personRef), 原号码不保存.',
    columns: [
      { header: '人才编号', field: 'talentId', kind: 'text', required: true, description: '人才办编号', example: 'TAL-2024-0001' },
      { header: '姓名', field: 'name', kind: 'text', required: true, description: '姓名', example: '张三' },
      { header: '身份证号', aliases: ['身份证号码', '证件号码'], field: 'idNumber', kind: 'text', required: false, description: '18 位; 只保存加盐哈希', example: '11010519491231002X' },
      { header: '人才计划', field: 'programme', kind: 'text', required: true, description: '武汉英才 / 新区计划 / 省级计划 / 国家级计划', example: '武汉英才' },
      { header: '人才类别', field: 'role', kind: 'text', required: false, description: '科技领军人才 / 科技副总 / 科技特派员 / 科研助理 / 毕业生留区', example: '科技领军人才' },
      { header: '层次', field: 'level', kind: 'text', required: false, description: '计划内层次', example: '领军人才' },
      USCC_COL('用人单位统一社会信用代码', 'employerUscc', true),
      { header: '引进日期', field: 'introducedOn', kind: 'date', required: true, description: '日期', example: '2024-04-01' },
    ],
  },
  {
    name: 'annual-financials',
    title: '企业年度财务指标',
    recordType: 'EnterpriseAnnualFinancialsReported',
    system: '部门填报',
    sender: '发改局 / 统计部门',
    description: '企业年度主要财务与人员指标, 每户每年一行. 持有效高企证书的企业会按高企认定条件做数据质量检查.',
    columns: [
      USCC_COL(),
      NAME_COL,
      { header: '年度', aliases: ['会计年度'], field: 'fiscalYear', kind: 'integer', required: true, description: '4 位年份', example: 2024 },
      { header: '营业收入(万元)', aliases: ['营业收入'], field: 'revenue', kind: 'number', required: true, description: '万元', example: 4000 },
      { header: '研发费用(万元)', aliases: ['研发费用'], field: 'rdExpense', kind: 'number', required: true, description: '万元', example: 300 },
      { header: '高新技术产品收入(万元)', aliases: ['高新技术产品收入'], field: 'highTechProductRevenue', kind: 'number', required: false, description: '万元 (默认 0)', example: 3000 },
      { header: '资产总额(万元)', aliases: ['资产总额'], field: 'totalAssets', kind: 'number', required: false, description: '万元', example: 6000 },
      { header: '职工人数', aliases: ['从业人员'], field: 'employees', kind: 'integer', required: true, description: '人', example: 120 },
      { header: '科技人员数', aliases: ['科技人员'], field: 'techStaff', kind: 'integer', required: true, description: '人', example: 30 },
      { header: '是否规上', aliases: ['规上企业'], field: 'aboveScale', kind: 'boolean', required: true, description: '是 / 否', example: '是' },
      { header: '是否有研发机构', aliases: ['有研发机构'], field: 'hasRdInstitution', kind: 'boolean', required: true, description: '是 / 否', example: '是' },
    ],
  },
  {
    name: 'decision-closures',
    title: '议定事项办结情况',
    recordType: 'DecisionClosed',
    system: '督办系统',
    sender: '科创局 (科创办)',
    description: '科创委 / 科创办会议议定事项的办结登记, 每个事项一行. 会议须已登记 (GovernanceMeetingHeld) 且含该事项; 办结日期不得早于会议日期. 同一事项再报另一日期为更正.',
    columns: [
      { header: '会议编号', field: 'meetingId', kind: 'text', required: true, description: '议定该事项的会议编号', example: 'KCB-2024-03' },
      { header: '事项编号', aliases: ['议定事项编号'], field: 'decisionId', kind: 'text', required: true, description: '会议纪要中的事项编号', example: 'KCB-2024-03-D1' },
      { header: '办结日期', aliases: ['完成日期'], field: 'closedOn', kind: 'date', required: true, description: '日期; 不晚于完成时限为按期办结', example: '2024-09-20' },
      { header: '办结情况', field: 'result', kind: 'text', required: false, description: '办结说明', example: '已完成实训基地挂牌' },
    ],
  },
  {
    name: 'key-tech-projects',
    title: '关键核心技术攻关项目立项',
    recordType: 'KeyTechProjectApproved',
    system: '科技计划项目管理',
    sender: '科创局',
    description: '关键核心技术攻关项目立项清单, 每个项目一行. 财政投入不得高于项目总投资. 同一项目编号内容变化为更正.',
    columns: [
      { header: '项目编号', field: 'projectId', kind: 'text', required: true, description: '立项编号', example: 'GJGG-2024-001' },
      { header: '项目名称', field: 'title', kind: 'text', required: true, description: '名称', example: '新型储能电池管理系统关键技术' },
      { header: '牵头单位', field: 'leadOrg', kind: 'text', required: true, description: '牵头单位名称', example: '武汉示例科技有限公司' },
      USCC_COL('牵头单位统一社会信用代码', 'leadUscc', false),
      { header: '所属产业', field: 'field', kind: 'text', required: false, description: '枢纽经济 / 绿色低碳 / 生命健康 / 智能制造 / 现代农业 / 现代服务业', example: '绿色低碳' },
      { header: '财政投入(万元)', aliases: ['财政投入', '财政资金(万元)'], field: 'funding', kind: 'number', required: true, description: '万元', example: 800 },
      { header: '项目总投资(万元)', aliases: ['总投资(万元)', '总投资'], field: 'totalInvestment', kind: 'number', required: false, description: '万元, 不低于财政投入', example: 2400 },
      { header: '立项日期', field: 'approvedOn', kind: 'date', required: true, description: '日期', example: '2024-05-20' },
    ],
  },
  {
    name: 'innovation-consortia',
    title: '创新联合体组建',
    recordType: 'InnovationConsortiumFormed',
    system: '部门填报',
    sender: '科创局',
    description: '创新联合体组建备案, 每个联合体一行. 须有牵头企业统一社会信用代码 (牵头企业在新区内时计入); 成员单位数含牵头企业, 至少 2 家.',
    columns: [
      { header: '联合体编号', field: 'consortiumId', kind: 'text', required: true, description: '备案编号', example: 'CXLHT-2024-01' },
      { header: '联合体名称', field: 'name', kind: 'text', required: true, description: '名称', example: '长江新区新型储能创新联合体' },
      USCC_COL('牵头企业统一社会信用代码', 'leadUscc', true),
      { header: '牵头企业名称', field: 'leadName', kind: 'text', required: true, description: '名称', example: '武汉示例科技有限公司' },
      { header: '成员单位数', aliases: ['成员数'], field: 'memberCount', kind: 'integer', required: true, description: '含牵头企业, 至少 2', example: 6 },
      { header: '所属产业', field: 'field', kind: 'text', required: false, description: '六大重点产业之一', example: '绿色低碳' },
      { header: '组建日期', field: 'formedOn', kind: 'date', required: true, description: '日期', example: '2024-04-01' },
    ],
  },
  {
    name: 'innovation-events',
    title: '创新论坛、会议与大赛',
    recordType: 'InnovationEventHeld',
    system: '部门填报',
    sender: '科创局',
    description: '举办的创新论坛、会议和大赛, 每场一行. 参加人次须为正整数; 结束日期不得早于开始日期.',
    columns: [
      { header: '活动编号', field: 'activityId', kind: 'text', required: true, description: '编号', example: 'HD-2024-015' },
      { header: '活动名称', field: 'title', kind: 'text', required: true, description: '名称', example: '长江新区科技创新大会' },
      { header: '活动类型', aliases: ['类型'], field: 'kind', kind: 'text', required: true, description: '论坛 / 会议 / 大赛', example: '论坛' },
      { header: '级别', field: 'level', kind: 'text', required: true, description: '区级 / 市级 / 省级 / 国家级', example: '市级' },
      { header: '主办单位', field: 'organizer', kind: 'text', required: true, description: '名称', example: '长江新区科技创新局' },
      { header: '开始日期', aliases: ['举办日期'], field: 'startedOn', kind: 'date', required: true, description: '日期', example: '2024-06-18' },
      { header: '结束日期', field: 'endedOn', kind: 'date', required: false, description: '多日活动填写', example: '2024-06-19' },
      { header: '参加人次', aliases: ['参会人次', '人次'], field: 'attendees', kind: 'integer', required: true, description: '正整数', example: 650 },
    ],
  },
  {
    name: 'digital-infra',
    title: '5G基站与算力',
    recordType: 'DigitalInfraReported',
    system: '通信管理报送',
    sender: '科创局 (通信运营商、算力中心)',
    description: '各运营商 / 算力中心在新区内在用的 5G 基站数和算力规模, 每个报送单位每个统计日期一行 (同一日期再报为更正).',
    columns: [
      { header: '报送单位', aliases: ['运营商'], field: 'reporter', kind: 'text', required: true, description: '运营商或算力中心名称', example: '中国移动长江新区分公司' },
      { header: '统计截止日期', aliases: ['统计日期'], field: 'asOf', kind: 'date', required: true, description: '日期', example: '2024-06-30' },
      { header: '5G基站数', aliases: ['5G基站数(个)'], field: 'stations5g', kind: 'integer', required: true, description: '个, 非负整数', example: 860 },
      { header: '算力规模(PFLOPS)', aliases: ['算力(PFLOPS)', '算力规模'], field: 'computePflops', kind: 'number', required: true, description: 'PFLOPS, 非负', example: 12.5 },
    ],
  },
  {
    name: 'brain-onboarding',
    title: '创新大脑上云主体',
    recordType: 'BrainOnboarded',
    system: '创新大脑平台',
    sender: '科创局',
    description: '在创新大脑平台上线 (上云) 的创新主体, 每个主体一行.',
    columns: [
      USCC_COL(),
      { header: '主体名称', aliases: ['企业名称'], field: 'name', kind: 'text', required: true, description: '名称', example: '武汉示例科技有限公司' },
      { header: '上云日期', field: 'onboardedOn', kind: 'date', required: true, description: '日期', example: '2024-03-01' },
      { header: '上云方式', field: 'channel', kind: 'text', required: false, description: '如 企业自主注册 / 部门批量导入', example: '企业自主注册' },
    ],
  },
  {
    name: 'academic-sites',
    title: '高校院所布局园区、基地与研究院',
    recordType: 'AcademicSiteEstablished',
    system: '部门填报',
    sender: '科创局',
    description: '高校院所在新区设立的园区、基地和研究院, 每处一行. 撤销请以同一编号报 RdPlatformRevoked.',
    columns: [
      { header: '编号', aliases: ['布局编号'], field: 'platformId', kind: 'text', required: true, description: '字母、数字、_ . -', example: 'GXYS-001' },
      { header: '名称', field: 'name', kind: 'text', required: true, description: '名称', example: '华中科技大学长江新区研究院' },
      { header: '高校院所', aliases: ['依托高校院所'], field: 'institution', kind: 'text', required: true, description: '名称', example: '华中科技大学' },
      { header: '布局类型', aliases: ['类型'], field: 'siteType', kind: 'text', required: true, description: '园区 / 基地 / 研究院', example: '研究院' },
      { header: '设立日期', field: 'establishedOn', kind: 'date', required: true, description: '日期', example: '2024-03-01' },
      { header: '所属街道', aliases: ['街道'], field: 'street', kind: 'text', required: false, description: '街道名称', example: '阳逻街道' },
    ],
  },
  {
    name: 'transfer-carriers',
    title: '中试基地、概念验证中心与院士专家工作站',
    recordType: 'TransferCarrierRecognized',
    system: '部门填报',
    sender: '科创局',
    description: '成果转化载体认定, 每次认定一行 (提档升级再报一行新级别). 撤销请以同一编号报 RdPlatformRevoked.',
    columns: [
      { header: '载体编号', field: 'platformId', kind: 'text', required: true, description: '字母、数字、_ . -', example: 'ZSJD-001' },
      { header: '载体名称', field: 'name', kind: 'text', required: true, description: '名称', example: '长江新区新材料中试基地' },
      { header: '载体类型', aliases: ['类型'], field: 'type', kind: 'text', required: true, description: '中试基地 / 概念验证中心 / 院士专家工作站', example: '中试基地' },
      { header: '认定级别', aliases: ['级别'], field: 'level', kind: 'text', required: true, description: '区级 / 市级 / 省级 / 国家级', example: '市级' },
      { header: '依托单位', field: 'host', kind: 'text', required: true, description: '名称', example: '武汉示例科技有限公司' },
      USCC_COL('依托单位统一社会信用代码', 'hostUscc', false),
      { header: '认定日期', field: 'recognizedOn', kind: 'date', required: true, description: '日期', example: '2024-05-10' },
    ],
  },
  {
    name: 'tech-brokers',
    title: '技术经纪人登记',
    recordType: 'TechBrokerCertified',
    system: '技术市场',
    sender: '科创局 (技术市场)',
    description: '取得证书的技术经纪人, 每人一行. 姓名只保存在事件中, 不进入指标表和明细.',
    columns: [
      { header: '经纪人编号', aliases: ['证书编号'], field: 'brokerId', kind: 'text', required: true, description: '登记编号', example: 'JSJJR-2024-0012' },
      { header: '姓名', field: 'name', kind: 'text', required: true, description: '姓名', example: '李四' },
      { header: '等级', aliases: ['证书等级'], field: 'level', kind: 'text', required: true, description: '初级 / 中级 / 高级', example: '中级' },
      { header: '所在机构', field: 'organisation', kind: 'text', required: true, description: '技术转移机构名称', example: '长江新区技术转移中心' },
      USCC_COL('所在机构统一社会信用代码', 'organisationUscc', false),
      { header: '发证日期', field: 'certifiedOn', kind: 'date', required: true, description: '日期', example: '2024-04-01' },
      { header: '有效期至', field: 'validUntil', kind: 'date', required: false, description: '留空为长期有效', example: '2027-03-31' },
    ],
  },
  {
    name: 'tech-loan-balances',
    title: '科技型企业贷款余额',
    recordType: 'TechLoanBalanceReported',
    system: '金融机构报送',
    sender: '财政国资局 (各银行)',
    description: '各银行对科技型企业的月末贷款余额, 每个银行、借款企业、月末一行. 余额日期须为月末, 余额不得为负 (结清报 0); 同一月末再报为更正.',
    columns: [
      { header: '贷款银行', aliases: ['银行'], field: 'bank', kind: 'text', required: true, description: '银行 (支行) 名称', example: '某银行长江新区支行' },
      USCC_COL('借款企业统一社会信用代码', 'uscc', true),
      { header: '借款企业名称', aliases: ['企业名称'], field: 'borrowerName', kind: 'text', required: true, description: '名称', example: '武汉示例科技有限公司' },
      { header: '科技型企业类别', aliases: ['企业类别'], field: 'borrowerType', kind: 'text', required: true, description: '高新技术企业 / 科技型中小企业 / 专精特新企业 / 其他科技型企业', example: '高新技术企业' },
      { header: '余额日期', aliases: ['统计日期'], field: 'balanceOn', kind: 'date', required: true, description: '月末日期', example: '2024-06-30' },
      { header: '贷款余额(万元)', aliases: ['贷款余额'], field: 'balance', kind: 'number', required: true, description: '万元, 非负', example: 3500 },
    ],
  },
];

export function templateByName(name: string): FileTemplate | undefined {
  return TEMPLATES.find((t) => t.name === name);
}

/** Header spelling tolerance: full-width forms, spaces, a trailing `*` (required marker). */
export function normaliseHeader(header: string): string {
  return header.normalize('NFKC').replace(/\s+/g, '').replace(/\*+$/, '').replace(/^\*+/, '');
}
