import { z } from 'zod';
import { Uscc } from '../identifiers.ts';
import { IsoDate, NonEmpty, Wan } from './common.ts';

export const FundStrategy = z.enum(['天使', '创投', '产业']);
export const InvestmentRound = z.enum(['种子', '天使', 'Pre-A', 'A', 'B', 'C', 'D及以后', 'Pre-IPO', '战略']);
/** Rounds counted as 投早投小 (early stage). */
export const EARLY_ROUNDS = ['种子', '天使', 'Pre-A', 'A'] as const;

const FundId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: '基金编号只能含字母、数字、_ . -' })
  .describe('Fund id (基金编号): 1–64 letters, digits, _ . -');

export const FundEstablished = z.object({
  fundId: FundId.describe('Id of the new fund (基金编号): 1–64 letters, digits, _ . -'),
  name: NonEmpty.describe('Fund name (基金名称)'),
  level: z.enum(['母基金', '子基金']).describe('母基金 fund of funds (parent), 子基金 sub-fund'),
  strategy: FundStrategy.describe('Investment strategy (基金类型): 天使 angel, 创投 venture capital, 产业 industry fund'),
  parentFundId: FundId.optional().describe('For a 子基金: the fundId of its 母基金'),
  committed: Wan.describe('Committed fund size (认缴规模) in 万元'),
  governmentCommitment: Wan.describe('Government (财政 / 国资) share of the commitment in 万元; leverage (放大倍数) = committed ÷ governmentCommitment'),
  manager: NonEmpty.describe('Fund manager (基金管理人)'),
  reinvestmentMultiple: z
    .number()
    .nonnegative()
    .default(1)
    .describe('Required reinvestment multiple in the area (返投倍数): area investment ÷ government commitment the fund must reach; default 1'),
  establishedOn: IsoDate.describe('Date of establishment (成立日期), YYYY-MM-DD'),
});

export const FundCapitalCalled = z.object({
  fundId: FundId.describe('The fund called (基金编号)'),
  callId: NonEmpty.describe('Id of the capital call (缴款编号), unique within the fund'),
  amount: Wan.describe('Paid-in amount (实缴金额) of this call in 万元'),
  calledOn: IsoDate.describe('Date paid in (实缴日期), YYYY-MM-DD'),
});

export const FundInvestmentMade = z.object({
  fundId: FundId.describe('The investing fund (基金编号)'),
  investmentId: NonEmpty.describe('Id of the investment (投资编号), unique within the fund; FundExitRealized refers to it'),
  investeeUscc: Uscc.describe('USCC of the investee (被投企业统一社会信用代码): 18 characters, GB 32100; its street decides whether it counts as in-area (返投)'),
  investeeName: NonEmpty.describe('Investee name (被投企业名称)'),
  round: InvestmentRound.describe('Financing round (轮次); 种子, 天使, Pre-A and A count as early stage (投早投小)'),
  amount: Wan.describe('Amount invested (投资金额) in 万元'),
  investedOn: IsoDate.describe('Date of the investment (投资日期), YYYY-MM-DD'),
});

export const FundExitRealized = z.object({
  fundId: FundId.describe('The exiting fund (基金编号)'),
  investmentId: NonEmpty.describe('The investment exited (投资编号), as sent in FundInvestmentMade'),
  investeeUscc: Uscc.describe('USCC of the investee (被投企业统一社会信用代码): 18 characters, GB 32100'),
  proceeds: Wan.describe('Exit proceeds (退出金额) in 万元'),
  exitedOn: IsoDate.describe('Date of the exit (退出日期), YYYY-MM-DD'),
});

export const TechBorrowerType = z.enum(['高新技术企业', '科技型中小企业', '专精特新企业', '其他科技型企业']);

export const TechLoanBalanceReported = z.object({
  bank: NonEmpty.describe('The lending bank (贷款银行), e.g. 某银行长江新区支行'),
  uscc: Uscc.describe('USCC of the borrower (借款企业统一社会信用代码), 18 characters GB 32100; its street decides whether it counts'),
  borrowerName: NonEmpty.describe('Borrower name (借款企业名称)'),
  borrowerType: TechBorrowerType.describe('Why the borrower is 科技型 (科技型企业类别): 高新技术企业, 科技型中小企业, 专精特新企业 or 其他科技型企业'),
  balanceOn: IsoDate.describe('The month end the balance is at (余额日期), YYYY-MM-DD, always a last day of a month'),
  balance: Wan.describe('Outstanding loans of this bank to this borrower (贷款余额) in 万元, never negative; 0 once repaid'),
});
