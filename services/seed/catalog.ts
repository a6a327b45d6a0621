/**
 * The fixed facts of the sample area: streets and parks, industries with their GB/T 4754 codes
 * and patent classes, the universities and carriers the policy names, the tasks and their units.
 * Everything Chinese here is data.
 */
import type { KEY_INDUSTRIES } from '../../contracts/identifiers.ts';
import type { DivisionCode } from './usccFactory.ts';

export type KeyIndustryName = (typeof KEY_INDUSTRIES)[number];

export interface StreetSpec {
  street: string;
  division: '420117' | '420116' | '420102';
  parks: readonly string[];
  /** Share of the area's firms. */
  weight: number;
}

export const STREETS: readonly StreetSpec[] = [
  { street: '谌家矶街道', division: '420102', parks: ['谌家矶科创园', '长江新区国际创新港'], weight: 12 },
  { street: '后湖街道', division: '420102', parks: ['岱家山科技创业城', '后湖科技园'], weight: 14 },
  { street: '武湖街道', division: '420116', parks: ['武湖工业园', '武湖农业科技园'], weight: 11 },
  { street: '滠口街道', division: '420116', parks: ['滠口生物医药产业园', '滠口工业园'], weight: 10 },
  { street: '天河街道', division: '420116', parks: ['天河航空城'], weight: 7 },
  { street: '阳逻街道', division: '420117', parks: ['阳逻经济开发区', '阳逻港物流园', '环大学城创新街区'], weight: 27 },
  { street: '双柳街道', division: '420117', parks: ['武汉国家航天产业基地'], weight: 12 },
  { street: '仓埠街道', division: '420117', parks: ['仓埠产业园'], weight: 7 },
];

/** Where firms that later move in were first registered. */
export const OUTSIDE_LOCATIONS: readonly { street: string; division: DivisionCode; park?: string }[] = [
  { street: '关东街道', division: '420111', park: '东湖新技术开发区' },
  { street: '珞南街道', division: '420111' },
  { street: '中南路街道', division: '420106' },
  { street: '汉兴街道', division: '420103' },
  { street: '纸坊街道', division: '420115' },
  { street: '佛祖岭街道', division: '420100', park: '东湖新技术开发区' },
];

export const MOVE_OUT_DESTINATIONS = ['东湖新技术开发区', '武汉经济技术开发区', '武汉临空港经济技术开发区', '长沙市岳麓区', '合肥市高新区', '深圳市南山区'];

export interface IndustrySpec {
  key: KeyIndustryName | '其他';
  /** GB/T 4754-2017 classes with their names. */
  codes: readonly (readonly [string, string])[];
  /** Words a firm of this industry puts after its brand. */
  words: readonly string[];
  ipc: readonly string[];
  /** 国家重点支持的高新技术领域 that fit. */
  techFields: readonly string[];
  /** Objects of patents ("一种 … 及其制备方法"). */
  objects: readonly string[];
  weight: number;
}

export const INDUSTRIES: readonly IndustrySpec[] = [
  {
    key: '智能制造',
    codes: [['C3491', '工业机器人制造'], ['C3421', '金属切削机床制造'], ['C4011', '工业自动控制系统装置制造'], ['C3670', '汽车零部件及配件制造'], ['C3742', '航天器及运载火箭制造']],
    words: ['智能装备', '机器人', '自动化科技', '精密机械', '智能科技', '航天科技'],
    ipc: ['B25J', 'G05B', 'B23K', 'B23Q', 'B64G', 'B62D'],
    techFields: ['先进制造与自动化', '航空航天'],
    objects: ['工业机器人关节减速器', '机器人控制系统', '数控机床主轴', '视觉检测装置', '自动焊接设备', '卫星结构件', '智能产线调度'],
    weight: 22,
  },
  {
    key: '生命健康',
    codes: [['C2761', '生物药品制造'], ['C2720', '化学药品制剂制造'], ['C3581', '医疗诊断、监护及治疗设备制造'], ['C3589', '其他医疗设备及器械制造'], ['M7340', '医学研究和试验发展']],
    words: ['生物科技', '医疗器械', '医药科技', '健康科技', '基因技术'],
    ipc: ['A61K', 'A61B', 'C12N', 'C07D', 'A61L', 'G01N'],
    techFields: ['生物与新医药'],
    objects: ['抗肿瘤化合物', '医用导管', '体外诊断试剂盒', '重组蛋白表达载体', '骨科植入物', '碳纤维医用复合材料', '智慧医疗监护'],
    weight: 16,
  },
  {
    key: '绿色低碳',
    codes: [['C3841', '锂离子电池制造'], ['C3825', '光伏设备及元器件制造'], ['C4210', '金属废料和碎屑加工处理'], ['N7722', '大气污染治理'], ['D4416', '太阳能发电']],
    words: ['新能源科技', '储能科技', '环保科技', '资源循环科技', '节能技术'],
    ipc: ['H01M', 'H02J', 'B09B', 'F03D', 'C02F', 'B01D'],
    techFields: ['新能源与节能', '资源与环境'],
    objects: ['锂离子电池正极材料', '储能变流器', '光伏组件清洗装置', '废旧动力电池拆解装置', '报废汽车破碎分选设备', '生态修复基质'],
    weight: 14,
  },
  {
    key: '枢纽经济',
    codes: [['G5810', '多式联运'], ['G5821', '货物运输代理'], ['G5910', '装卸搬运'], ['G5920', '通用仓储'], ['G5532', '货运港口']],
    words: ['供应链管理', '物流科技', '航运科技', '智慧港航'],
    ipc: ['B65G', 'G06Q', 'B63B', 'B66C', 'G08G'],
    techFields: ['高技术服务', '电子信息'],
    objects: ['集装箱自动装卸装置', '多式联运调度', '港口堆场管理', '冷链物流温控装置', '无人仓储分拣'],
    weight: 9,
  },
  {
    key: '现代农业',
    codes: [['A0511', '种子种苗培育活动'], ['A0141', '蔬菜种植'], ['C1320', '饲料加工'], ['A0412', '内陆养殖']],
    words: ['农业科技', '种业科技', '生态农业'],
    ipc: ['A01G', 'A01H', 'A23K', 'A01K', 'A01C'],
    techFields: ['生物与新医药', '资源与环境'],
    objects: ['水稻育种', '农产品分拣装置', '智能灌溉系统', '饲料添加剂', '水产养殖增氧装置'],
    weight: 6,
  },
  {
    key: '现代服务业',
    codes: [['I6513', '应用软件开发'], ['I6450', '互联网数据服务'], ['I6531', '信息技术咨询服务'], ['M7530', '科技中介服务'], ['M7520', '知识产权服务']],
    words: ['信息技术', '软件', '数据科技', '网络科技', '科技服务'],
    ipc: ['G06F', 'G06Q', 'H04L', 'G06N', 'G06T'],
    techFields: ['电子信息', '高技术服务'],
    objects: ['数据加密传输', '分布式存储', '智能客服', '供应链金融风控', '图像识别'],
    weight: 19,
  },
  {
    key: '其他',
    codes: [['C3985', '电子专用材料制造'], ['C2927', '日用塑料制品制造'], ['C3976', '光电子器件制造'], ['M7320', '工程和技术研究和试验发展']],
    words: ['新材料科技', '电子科技', '光电科技', '材料技术'],
    ipc: ['H01L', 'C08L', 'G02B', 'B29C', 'F16H'],
    techFields: ['新材料', '电子信息'],
    objects: ['高分子复合材料', '光电探测器', '电路板检测装置', '耐腐蚀涂层', '柔性显示基板'],
    weight: 14,
  },
];

export const DESIGN_PRODUCTS = ['包装盒', '控制面板', '检测仪', '储能柜', '机器人外壳', '输液架', '智能终端', '灯具', '货架', '无人机'];

export const TECH_FIELD_PREFIXES = ['一种基于', '一种用于', '一种', '一种新型'];

export interface UniversitySpec {
  name: string;
  code: string;
  /** 应用型高校 named by the policy (training bases). */
  applied: boolean;
  /** Has a campus inside the area. */
  inArea: boolean;
}

export const UNIVERSITIES: readonly UniversitySpec[] = [
  { name: '湖北大学', code: 'HUBU', applied: false, inArea: true },
  { name: '武汉生物工程学院', code: 'WHSW', applied: true, inArea: true },
  { name: '武汉工程职业技术学院', code: 'WHGC', applied: true, inArea: true },
  { name: '武汉文理学院', code: 'WHWL', applied: true, inArea: true },
  { name: '湖北大学知行学院', code: 'HBZX', applied: true, inArea: true },
  { name: '武汉大学', code: 'WHU', applied: false, inArea: false },
  { name: '华中科技大学', code: 'HUST', applied: false, inArea: false },
  { name: '武汉理工大学', code: 'WHUT', applied: false, inArea: false },
];

export type IncubatorTypeName = '众创空间' | '孵化器' | '加速器' | '大学科技园' | '产业园';
export type LevelName = '区级' | '市级' | '省级' | '国家级';

export interface IncubatorSpec {
  id: string;
  name: string;
  type: IncubatorTypeName;
  level: LevelName;
  street: string;
  recognizedOn: string;
  areaM2: number;
  operator: string;
  /** Yearly admissions relative to the others. */
  capacity: number;
  field?: '生物医药' | '集成电路设计' | '农业';
  upgrades?: readonly (readonly [LevelName, string])[];
  revokedOn?: string;
}

/** The three carriers the policy names come first; the rest are the area's other carriers. */
export const INCUBATORS: readonly IncubatorSpec[] = [
  { id: 'INC-CHZM', name: '长河筑梦众创空间', type: '众创空间', level: '市级', street: '谌家矶街道', recognizedOn: '2019-06-18', areaM2: 6800, operator: '武汉长河筑梦创业服务有限公司', capacity: 10, upgrades: [['省级', '2024-03-15']] },
  { id: 'INC-WSYKJY', name: '武生院科技园孵化器', type: '孵化器', level: '市级', street: '武湖街道', recognizedOn: '2018-09-20', areaM2: 21000, operator: '武汉生物工程学院科技园发展有限公司', capacity: 12, field: '生物医药', upgrades: [['省级', '2023-12-12'], ['国家级', '2025-11-20']] },
  { id: 'INC-YLGJSQ', name: '阳逻港科技加速器', type: '加速器', level: '区级', street: '阳逻街道', recognizedOn: '2021-04-28', areaM2: 35000, operator: '武汉阳逻港科技发展有限公司', capacity: 7, upgrades: [['市级', '2023-08-30'], ['省级', '2025-06-26']] },
  { id: 'INC-HUBUKJY', name: '湖北大学阳逻校区大学科技园', type: '大学科技园', level: '市级', street: '阳逻街道', recognizedOn: '2024-05-20', areaM2: 30000, operator: '湖北大学科技园管理有限公司', capacity: 9, upgrades: [['省级', '2026-06-18']] },
  { id: 'INC-HDXCJQ', name: '环大学城创新街区众创空间', type: '众创空间', level: '区级', street: '阳逻街道', recognizedOn: '2023-09-12', areaM2: 4200, operator: '武汉长江新区科创发展有限公司', capacity: 8 },
  { id: 'INC-SZJJ', name: '长江新区数字经济孵化基地', type: '孵化器', level: '区级', street: '后湖街道', recognizedOn: '2023-04-21', areaM2: 15000, operator: '武汉长江新区数字产业发展有限公司', capacity: 10, upgrades: [['市级', '2024-10-29']] },
  { id: 'INC-GCZY', name: '武汉工程职业技术学院双创中心', type: '众创空间', level: '区级', street: '阳逻街道', recognizedOn: '2020-11-05', areaM2: 2600, operator: '武汉工程职业技术学院', capacity: 5 },
  { id: 'INC-WLXY', name: '武汉文理学院大学生创业园', type: '众创空间', level: '市级', street: '双柳街道', recognizedOn: '2021-07-09', areaM2: 3100, operator: '武汉文理学院', capacity: 5 },
  { id: 'INC-ZXXY', name: '湖北大学知行学院创客空间', type: '众创空间', level: '区级', street: '仓埠街道', recognizedOn: '2022-03-16', areaM2: 1800, operator: '湖北大学知行学院', capacity: 4 },
  { id: 'INC-ZJJKC', name: '谌家矶科创孵化器', type: '孵化器', level: '市级', street: '谌家矶街道', recognizedOn: '2020-08-26', areaM2: 18000, operator: '武汉谌家矶科创投资有限公司', capacity: 9, upgrades: [['省级', '2025-04-22']] },
  { id: 'INC-WHNK', name: '武湖农业科技孵化器', type: '孵化器', level: '市级', street: '武湖街道', recognizedOn: '2019-12-02', areaM2: 12000, operator: '武汉武湖农业投资发展有限公司', capacity: 5, field: '农业' },
  { id: 'INC-THHK', name: '天河航空产业加速器', type: '加速器', level: '市级', street: '天河街道', recognizedOn: '2022-06-30', areaM2: 26000, operator: '武汉天河航空城建设有限公司', capacity: 4 },
  { id: 'INC-ZNZZ', name: '长江新区智能制造产业园', type: '产业园', level: '区级', street: '阳逻街道', recognizedOn: '2021-10-15', areaM2: 120000, operator: '武汉长江新区产业园运营有限公司', capacity: 5 },
  { id: 'INC-LSDT', name: '阳逻绿色低碳产业园', type: '产业园', level: '区级', street: '阳逻街道', recognizedOn: '2023-05-26', areaM2: 90000, operator: '武汉阳逻开发区建设投资有限公司', capacity: 4 },
  { id: 'INC-SLHT', name: '双柳航天产业加速器', type: '加速器', level: '省级', street: '双柳街道', recognizedOn: '2020-04-17', areaM2: 40000, operator: '武汉航天产业发展有限公司', capacity: 4 },
  { id: 'INC-HHLY', name: '后湖创新楼宇众创空间', type: '众创空间', level: '区级', street: '后湖街道', recognizedOn: '2022-09-08', areaM2: 2200, operator: '武汉后湖楼宇经济发展有限公司', capacity: 5, revokedOn: '2024-12-18' },
  { id: 'INC-SKSY', name: '滠口生物医药孵化器', type: '孵化器', level: '市级', street: '滠口街道', recognizedOn: '2020-05-22', areaM2: 16000, operator: '武汉滠口生物医药产业发展有限公司', capacity: 6, field: '生物医药' },
  { id: 'INC-CBNY', name: '仓埠现代农业众创空间', type: '众创空间', level: '区级', street: '仓埠街道', recognizedOn: '2023-03-28', areaM2: 1500, operator: '武汉仓埠农业科技服务有限公司', capacity: 3, field: '农业' },
  { id: 'INC-GJCXG', name: '长江新区国际创新港孵化器', type: '孵化器', level: '区级', street: '谌家矶街道', recognizedOn: '2024-04-16', areaM2: 22000, operator: '武汉长江新区国际创新港运营有限公司', capacity: 8, upgrades: [['市级', '2025-10-21']] },
  { id: 'INC-XCICD', name: '长江新区集成电路设计孵化器', type: '孵化器', level: '区级', street: '后湖街道', recognizedOn: '2025-03-18', areaM2: 9000, operator: '武汉长江新区芯谷科技发展有限公司', capacity: 5, field: '集成电路设计' },
];

export const BANKS = ['汉口银行长江新区支行', '湖北银行武汉阳逻支行', '中国银行武汉长江新区支行', '武汉农村商业银行新洲支行', '招商银行武汉分行', '建设银行武汉黄陂支行', '交通银行武汉江岸支行'];

export const TALENT_LEVELS = ['A类', 'B类', 'C类', 'D类'];

/** Units as the KPI catalog names them. */
export type Unit = '科创局' | '市场监管局' | '组织部' | '财政国资局' | '发改局' | '投促局';

export interface TaskSpec {
  task: number;
  unit: Unit;
  milestones: readonly string[];
}

/** The policy's 18 tasks, each with its lead unit and the kind of milestone it reports. */
export const TASKS: readonly TaskSpec[] = [
  { task: 1, unit: '科创局', milestones: ['召开科创委全体会议', '完成科创办双月推进会', '印发科创委年度工作要点'] },
  { task: 2, unit: '科创局', milestones: ['湖北大学整建制学院搬迁', '生物技术中试平台主体完工', '一流高校研究院签约落地'] },
  { task: 3, unit: '科创局', milestones: ['新增省级以上研发平台', '推动省级平台争创国家级', '龙头企业共建联合实验室'] },
  { task: 4, unit: '科创局', milestones: ['引进产业技术研究院', '新型研发机构绩效评价', '重点产业新型研发机构覆盖'] },
  { task: 5, unit: '科创局', milestones: ['引进公共技术服务平台', '产业公共技术服务综合体建设', '企业研发中心向区内开放'] },
  { task: 6, unit: '科创局', milestones: ['发布关键核心技术攻关清单', '攻关项目立项', '攻关项目中期检查'] },
  { task: 7, unit: '科创局', milestones: ['发布揭榜挂帅榜单', '揭榜项目签约', '揭榜项目验收'] },
  { task: 8, unit: '科创局', milestones: ['引进链主企业', '组建创新联合体', '场景应用实验室建设'] },
  { task: 9, unit: '科创局', milestones: ['科技型中小企业评价入库', '高企后备库建设', '规上高企研发机构全覆盖', '专精特新培育库建设'] },
  { task: 10, unit: '科创局', milestones: ['发布新物种企业专项政策', '新物种企业遴选', '新物种企业服务平台上线'] },
  { task: 11, unit: '科创局', milestones: ['举办以赛代评创业大赛', '孵化载体提档升级', '环大学城创新街区建设'] },
  { task: 12, unit: '科创局', milestones: ['建设成果转化中试基地', '设立概念验证中心', '院士专家工作站建设'] },
  { task: 13, unit: '科创局', milestones: ['发布两张清单', '技术经纪人培训', '科技成果供需对接活动'] },
  { task: 14, unit: '市场监管局', milestones: ['高价值专利培育中心建设', '知识产权保护工作站建设', '知识产权质押融资推进'] },
  { task: 15, unit: '组织部', milestones: ['发布引才目录', '科技副总选派', '新区人才礼遇码上线'] },
  { task: 16, unit: '财政国资局', milestones: ['设立科创投资基金', '子基金组建', '上市后备库建设'] },
  { task: 17, unit: '科创局', milestones: ['5G基站建设', '创新大脑上线', '创新主体上云'] },
  { task: 18, unit: '科创局', milestones: ['举办产业创新大会', '承办创新创业大赛', '科技伦理治理机制建设'] },
];
