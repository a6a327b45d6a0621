import { z } from 'zod';
import { PersonRef, Uscc } from '../identifiers.ts';
import { IsoDate, NonEmpty } from './common.ts';

export const TalentProgramme = z.enum(['武汉英才', '新区计划', '省级计划', '国家级计划']);
export const TalentRole = z.enum(['科技领军人才', '科技副总', '科技特派员', '科研助理', '毕业生留区']);

export const TalentIntroduced = z.object({
  talentId: NonEmpty,
  /** Salted hash of the person's ID number; the raw number is never stored. */
  personRef: PersonRef.optional(),
  name: NonEmpty,
  programme: TalentProgramme,
  role: TalentRole.default('科技领军人才'),
  level: z.string().trim().optional(),
  employerUscc: Uscc,
  introducedOn: IsoDate,
});

export const TeamIntroduced = z.object({
  teamId: NonEmpty,
  teamName: NonEmpty,
  leaderName: z.string().trim().optional(),
  programme: TalentProgramme,
  level: z.string().trim().optional(),
  members: z.number().int().positive(),
  employerUscc: Uscc,
  introducedOn: IsoDate,
});
