import { z } from 'zod';
import { Uscc } from '../identifiers.ts';
import { IsoDate, NonEmpty, Wan } from './common.ts';

export const FundStrategy = z.enum(['天使', '创投', '产业']);
export const InvestmentRound = z.enum(['种子', '天使', 'Pre-A', 'A', 'B', 'C', 'D及以后', 'Pre-IPO', '战略']);
/** Rounds counted as 投早投小 (early stage). */
export const EARLY_ROUNDS = ['种子', '天使', 'Pre-A', 'A'] as const;

const FundId = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: '基金编号只能含字母、数字、_ . -' });

export const FundEstablished = z.object({
  fundId: FundId,
  name: NonEmpty,
  level: z.enum(['母基金', '子基金']),
  strategy: FundStrategy,
  parentFundId: FundId.optional(),
  committed: Wan,
  governmentCommitment: Wan,
  manager: NonEmpty,
  reinvestmentMultiple: z.number().nonnegative().default(1),
  establishedOn: IsoDate,
});

export const FundCapitalCalled = z.object({
  fundId: FundId,
  callId: NonEmpty,
  amount: Wan,
  calledOn: IsoDate,
});

export const FundInvestmentMade = z.object({
  fundId: FundId,
  investmentId: NonEmpty,
  investeeUscc: Uscc,
  investeeName: NonEmpty,
  round: InvestmentRound,
  amount: Wan,
  investedOn: IsoDate,
});

export const FundExitRealized = z.object({
  fundId: FundId,
  investmentId: NonEmpty,
  investeeUscc: Uscc,
  proceeds: Wan,
  exitedOn: IsoDate,
});
