import type { FieldIssue } from '../../../contracts/errors.ts';
import { assertNever, factOnlyDecider, streamId, type ContextRecord, type PrepareContext, type TypeSpecs } from '../decider.ts';

const SPECS: TypeSpecs<'talent'> = {
  TalentIntroduced: { key: () => 'introduced', date: (d) => d.introducedOn },
  TeamIntroduced: { key: () => 'introduced', date: (d) => d.introducedOn },
};

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = '10X98765432';

/** GB 11643 check character of an 18-digit resident ID number. */
export function idNumberCheckOk(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id.charAt(i)) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK.charAt(sum % 11) === id.charAt(17);
}

/**
 * A sender may give the person's ID number instead of `personRef`: it is replaced by the salted
 * reference here, before validation, so the raw number reaches neither the store nor a report.
 */
function prepare(type: string, data: Record<string, unknown>, ctx: PrepareContext): { data: Record<string, unknown> } | { issues: FieldIssue[] } {
  if (type !== 'TalentIntroduced' || !('idNumber' in data)) return { data };
  const { idNumber, ...rest } = data;
  if (idNumber === undefined || idNumber === null || idNumber === '') return { data: rest };
  const id = String(idNumber).trim().toUpperCase();
  // The reasons never quote the number: reports are stored and shown.
  if (!/^\d{17}[\dX]$/.test(id)) return { issues: [{ field: 'data.idNumber', reason: '身份证号格式错误: 应为 18 位 (17 位数字 + 校验位)' }] };
  if (!idNumberCheckOk(id)) return { issues: [{ field: 'data.idNumber', reason: '身份证号校验位错误' }] };
  const ref = ctx.personRef(id);
  if (rest.personRef !== undefined && rest.personRef !== ref) {
    return { issues: [{ field: 'data.personRef', reason: 'personRef 与身份证号的哈希不一致' }] };
  }
  return { data: { ...rest, personRef: ref } };
}

function streamOf(record: ContextRecord<'talent'>): string {
  switch (record.type) {
    case 'TalentIntroduced':
      return streamId('talent', record.data.talentId);
    case 'TeamIntroduced':
      return streamId('team', record.data.teamId);
    default:
      return assertNever(record);
  }
}

export const talentDecider = factOnlyDecider('talent', SPECS, streamOf, { prepare });
