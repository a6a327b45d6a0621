import { z } from 'zod';
import { PersonRef, Uscc } from '../identifiers.ts';
import { IsoDate, NonEmpty } from './common.ts';

export const TalentProgramme = z.enum(['武汉英才', '新区计划', '省级计划', '国家级计划']);
export const TalentRole = z.enum(['科技领军人才', '科技副总', '科技特派员', '科研助理', '毕业生留区']);

const PROGRAMME = 'Talent programme (人才计划): 武汉英才 Wuhan talent, 新区计划 New Area programme, 省级计划 provincial, 国家级计划 national';

export const TalentIntroduced = z.object({
  talentId: NonEmpty.describe('Id of the introduction record (人才编号)'),
  /** Salted hash of the person's ID number; the raw number is never stored. */
  personRef: PersonRef.optional().describe(
    'Salted SHA-256 of the ID-card number (身份证号), 64 lower-case hex digits; send idNumber instead and the platform computes it. Counts one person once',
  ),
  name: NonEmpty.describe('Name of the person (姓名)'),
  programme: TalentProgramme.describe(PROGRAMME),
  role: TalentRole.default('科技领军人才').describe(
    'Role (人才类别): 科技领军人才 leading scientist (default), 科技副总 tech vice-president seconded to a firm, 科技特派员 tech commissioner, 科研助理 research assistant, 毕业生留区 graduate staying in the area',
  ),
  level: z.string().trim().optional().describe('Level or class within the programme (层次), e.g. A类'),
  employerUscc: Uscc.describe('USCC of the employer (用人单位统一社会信用代码), 18 characters GB 32100'),
  introducedOn: IsoDate.describe('Date of introduction (引进日期), YYYY-MM-DD'),
});

export const TeamIntroduced = z.object({
  teamId: NonEmpty.describe('Id of the team (团队编号)'),
  teamName: NonEmpty.describe('Team name (团队名称)'),
  leaderName: z.string().trim().optional().describe('Team leader (带头人姓名)'),
  programme: TalentProgramme.describe(PROGRAMME),
  level: z.string().trim().optional().describe('Level or class within the programme (层次), e.g. A类'),
  members: z.number().int().positive().describe('Number of team members (团队人数), persons'),
  employerUscc: Uscc.describe('USCC of the host employer (依托单位统一社会信用代码), 18 characters GB 32100'),
  introducedOn: IsoDate.describe('Date of introduction (引进日期), YYYY-MM-DD'),
});
