import { z } from 'zod';
import { HighTechCertificateNumber, Uscc } from '../identifiers.ts';
import { IsoDate, Level, NonEmpty, Wan, Year } from './common.ts';

export const EnterpriseOrigin = z.enum(['招商', '大赛', '孵化', '内部创业', '其他']);
export const SrdiTier = z.enum(['创新型中小企业', '专精特新中小企业', '专精特新小巨人']);
export const NewSpeciesTier = z.enum(['潜在瞪羚', '瞪羚', '潜在独角兽', '独角兽', '驼鹿']);
export const ReservePool = z.enum(['高企后备库', '专精特新培育库', '新物种梯度库', '上市后备库']);
export const SettlementType = z.enum(['区域总部', '功能性总部', '研发中心', '链主', '配套']);

const USCC = 'The enterprise’s unified social credit code (统一社会信用代码): 18 characters, GB 32100 with check character';

export const EnterpriseRegistered = z.object({
  uscc: Uscc.describe(USCC),
  name: NonEmpty.describe('Registered enterprise name (企业名称)'),
  establishedOn: IsoDate.describe('Date of establishment (成立日期), YYYY-MM-DD; from this date the enterprise counts where its street lies'),
  registeringOffice: NonEmpty.describe('The registration authority (登记机关), e.g. 武汉市市场监督管理局'),
  divisionCode: z
    .string()
    .regex(/^\d{6}$/, { error: '行政区划代码应为 6 位数字' })
    .describe('Administrative division code (行政区划代码) of the registered address: 6 digits (GB/T 2260), e.g. 420117; informative only, it does not decide in-area'),
  street: NonEmpty.describe(
    'Street (街道) of the registered address. Decides whether the enterprise is in the area (在区): one of 谌家矶街道, 后湖街道, 武湖街道, 滠口街道, 天河街道, 阳逻街道, 双柳街道, 仓埠街道',
  ),
  park: z.string().trim().optional().describe('Industrial park (园区) the enterprise sits in, if any'),
  industryCode: z
    .string()
    .regex(/^[A-T](\d{2,4})?$/, { error: '行业代码应符合 GB/T 4754, 如 C3911' })
    .describe('Industry classification code (国民经济行业代码, GB/T 4754): a section letter A–T, optionally 2–4 digits, e.g. C3911'),
  industry: z.string().trim().optional().describe('Industry name (行业名称); the industryCode stands in when omitted'),
  registeredCapital: Wan.describe('Registered capital (注册资本) in 万元'),
  origin: EnterpriseOrigin.default('其他').describe(
    'How the enterprise came (来源): 招商 investment attraction, 大赛 innovation competition, 孵化 incubated, 内部创业 intrapreneurship spin-off, 其他 other (default)',
  ),
});

export const EnterpriseRelocated = z.object({
  uscc: Uscc.describe(USCC),
  direction: z
    .enum(['in', 'out'])
    .describe('in: moved into the area (迁入); out: moved out (迁出). Decides in-area when street is omitted'),
  relocatedOn: IsoDate.describe('Date of the move (迁移日期), YYYY-MM-DD'),
  street: z
    .string()
    .trim()
    .optional()
    .describe('New street (街道). When given it decides in-area (one of the eight area streets), else direction does'),
  park: z.string().trim().optional().describe('New industrial park (园区), if any'),
  divisionCode: z.string().regex(/^\d{6}$/).optional().describe('New administrative division code (行政区划代码), 6 digits; informative only'),
  destination: z.string().trim().optional().describe('Where the enterprise moved to (迁往), free text, for moves out'),
});

export const EnterpriseDeregistered = z.object({
  uscc: Uscc.describe(USCC),
  deregisteredOn: IsoDate.describe('Date of deregistration (注销日期), YYYY-MM-DD; the enterprise stops counting after it'),
  reason: z.string().trim().optional().describe('Reason for deregistration (注销原因), free text'),
});

export const EnterpriseAnnualFinancialsReported = z.object({
  uscc: Uscc.describe(USCC),
  fiscalYear: Year.describe('The fiscal year (会计年度) reported, four digits'),
  revenue: Wan.describe('Operating revenue (营业收入) of the year in 万元'),
  rdExpense: Wan.describe('R&D expenditure (研发费用) of the year in 万元'),
  highTechProductRevenue: Wan.default(0).describe('Revenue from high-tech products and services (高新技术产品收入) in 万元; default 0'),
  totalAssets: Wan.optional().describe('Total assets (资产总额) at year end in 万元'),
  employees: z.number().int().nonnegative().describe('Employees (从业人员) at year end, persons'),
  techStaff: z.number().int().nonnegative().describe('Science and technology staff (科技人员) at year end, persons'),
  aboveScale: z.boolean().describe('True when the enterprise is above designated size (规模以上 / 规上) in that year'),
  hasRdInstitution: z.boolean().describe('True when the enterprise has its own R&D institution (有研发机构) in that year'),
});

export const TechSmeRegistered = z.object({
  uscc: Uscc.describe(USCC),
  year: Year.describe('The year of the registration (入库年度) as a 科技型中小企业 (tech-based SME); valid for that year'),
  registrationNumber: NonEmpty.describe('The tech-based SME registration number (入库登记编号)'),
});

export const TechSmeRemoved = z.object({
  uscc: Uscc.describe(USCC),
  year: Year.describe('The registration year (入库年度) the removal applies to'),
  removedOn: IsoDate.describe('Date of removal (移出日期), YYYY-MM-DD'),
  reason: z.string().trim().optional().describe('Reason for removal (移出原因), free text'),
});

export const HighTechCertified = z.object({
  uscc: Uscc.describe(USCC),
  certificateNumber: HighTechCertificateNumber.describe('高新技术企业 certificate number (证书编号): GR + year + province code + 6-digit serial, e.g. GR202342001234'),
  issuedOn: IsoDate.describe('Date of issue (发证日期), YYYY-MM-DD; the certificate is valid from this date'),
  /** Defaults to issuedOn + 3 years (the certificate's legal validity). */
  validUntil: IsoDate.optional().describe('Last day of validity (有效期至), YYYY-MM-DD; defaults to issuedOn + 3 years'),
  renewal: z.boolean().default(false).describe('True for a renewed certificate (重新认定), false (default) for a first recognition (首次认定)'),
  techField: z.string().trim().optional().describe('Technical field (技术领域) of the recognition, free text'),
});

export const HighTechRevoked = z.object({
  uscc: Uscc.describe(USCC),
  certificateNumber: HighTechCertificateNumber.describe('The revoked certificate number (证书编号), e.g. GR202342001234'),
  revokedOn: IsoDate.describe('Date of revocation (撤销日期), YYYY-MM-DD; the certificate stops counting from then'),
  reason: z.string().trim().optional().describe('Reason for revocation (撤销原因), free text'),
});

export const SrdiCertified = z.object({
  uscc: Uscc.describe(USCC),
  tier: SrdiTier.describe(
    'Tier of the 专精特新 (specialised, refined, distinctive, innovative) recognition: 创新型中小企业 innovative SME, 专精特新中小企业 SRDI SME, 专精特新小巨人 "little giant"',
  ),
  level: Level.describe('Level of the recognising authority: 区级, 市级, 省级 or 国家级 (小巨人 is national)'),
  validFrom: IsoDate.describe('First day of validity (有效期起), YYYY-MM-DD'),
  validUntil: IsoDate.describe('Last day of validity (有效期至), YYYY-MM-DD'),
  certificateNumber: z.string().trim().optional().describe('Certificate or notice number (证书编号 / 公告文号), free text'),
});

export const SrdiRevoked = z.object({
  uscc: Uscc.describe(USCC),
  tier: SrdiTier.describe('The tier revoked: 创新型中小企业, 专精特新中小企业 or 专精特新小巨人'),
  revokedOn: IsoDate.describe('Date of revocation (撤销日期), YYYY-MM-DD'),
  reason: z.string().trim().optional().describe('Reason for revocation (撤销原因), free text'),
});

export const NewSpeciesListed = z.object({
  uscc: Uscc.describe(USCC),
  tier: NewSpeciesTier.describe(
    'New-species tier (新物种): 潜在瞪羚 potential gazelle, 瞪羚 gazelle, 潜在独角兽 potential unicorn, 独角兽 unicorn, 驼鹿 moose (large, stable growth)',
  ),
  listLevel: Level.describe('Level of the list (榜单级别): 区级, 市级, 省级 or 国家级'),
  year: Year.describe('The list year (榜单年度)'),
  valuation: z.number().nonnegative().optional().describe('Enterprise valuation (估值) in 万元 (units of 10,000 CNY; a unicorn is ≥ 700000 万元); not bound to Wan but never negative'),
});

export const NewSpeciesDelisted = z.object({
  uscc: Uscc.describe(USCC),
  tier: NewSpeciesTier.describe('The tier left: 潜在瞪羚, 瞪羚, 潜在独角兽, 独角兽 or 驼鹿'),
  year: Year.describe('The list year (榜单年度) the enterprise leaves'),
  delistedOn: IsoDate.describe('Date of delisting (移出日期), YYYY-MM-DD'),
  reason: z.string().trim().optional().describe('Reason for delisting (移出原因), free text'),
});

export const ReservePoolAdmitted = z.object({
  uscc: Uscc.describe(USCC),
  pool: ReservePool.describe(
    'Cultivation pool (培育库): 高企后备库 high-tech reserve, 专精特新培育库 SRDI cultivation, 新物种梯度库 new-species ladder, 上市后备库 IPO reserve',
  ),
  admittedOn: IsoDate.describe('Date of admission (入库日期), YYYY-MM-DD'),
});

export const ReservePoolExited = z.object({
  uscc: Uscc.describe(USCC),
  pool: ReservePool.describe('The pool left: 高企后备库, 专精特新培育库, 新物种梯度库 or 上市后备库'),
  exitedOn: IsoDate.describe('Date of exit (出库日期), YYYY-MM-DD'),
  reason: z
    .enum(['认定', '上市', '不再符合', '迁出', '其他'])
    .default('其他')
    .describe('Why it left: 认定 recognised (the pool’s goal reached), 上市 listed, 不再符合 no longer eligible, 迁出 moved out, 其他 other (default)'),
});

export const EnterpriseListed = z.object({
  uscc: Uscc.describe(USCC),
  exchange: z
    .enum(['上交所主板', '科创板', '深交所主板', '创业板', '北交所', '港交所', '境外', '新三板'])
    .describe('Market (上市板块): Shanghai main board, STAR market, Shenzhen main board, ChiNext, Beijing exchange, Hong Kong, overseas, or NEEQ (新三板)'),
  ticker: NonEmpty.describe('Stock code (证券代码), e.g. 688001'),
  listedOn: IsoDate.describe('Listing date (上市日期), YYYY-MM-DD'),
});

export const EnterpriseSettled = z.object({
  uscc: Uscc.describe(USCC),
  settlementType: SettlementType.describe(
    'What settled in the area (落户类型): 区域总部 regional HQ, 功能性总部 functional HQ, 研发中心 R&D centre, 链主 chain-leader enterprise, 配套 supplier',
  ),
  settledOn: IsoDate.describe('Date of settlement (落户日期), YYYY-MM-DD'),
  parent: z.string().trim().optional().describe('Parent group (母公司 / 集团), free text'),
});
