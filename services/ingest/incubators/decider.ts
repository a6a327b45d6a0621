import {
  assertNever,
  decideFact,
  refuse,
  streamId,
  trackFact,
  type ContextEvent,
  type ContextRecord,
  type Decider,
  type Facts,
  type TypeSpecs,
} from '../decider.ts';

type TenantStatus = { status: 'incubating'; admittedOn: string } | { status: 'graduated' | 'exited'; admittedOn: string; on: string };

export interface IncubatorState {
  facts: Facts;
  tenants: Map<string, TenantStatus>;
}

const SPECS: TypeSpecs<'incubators'> = {
  IncubatorRecognized: { key: () => 'recognized', date: (d) => d.recognizedOn },
  IncubatorLevelChanged: { key: (d) => `level:${d.changedOn}`, date: (d) => d.changedOn },
  IncubatorRevoked: { key: () => 'revoked', date: (d) => d.revokedOn },
  IncubatorTenantAdmitted: { key: (d) => `tenant:${d.tenantId}:admitted:${d.admittedOn}`, date: (d) => d.admittedOn },
  // The date is part of the key: a second graduation on another day is a second graduation (refused), not a correction.
  IncubatorTenantGraduated: { key: (d) => `tenant:${d.tenantId}:graduated:${d.graduatedOn}`, date: (d) => d.graduatedOn },
  IncubatorTenantExited: { key: (d) => `tenant:${d.tenantId}:exited:${d.exitedOn}`, date: (d) => d.exitedOn },
};

function evolve(state: IncubatorState, event: ContextEvent<'incubators'>): IncubatorState {
  trackFact(state.facts, SPECS, event);
  switch (event.type) {
    case 'IncubatorTenantAdmitted':
      state.tenants.set(event.data.tenantId, { status: 'incubating', admittedOn: event.data.admittedOn });
      break;
    case 'IncubatorTenantGraduated':
    case 'IncubatorTenantExited': {
      const t = state.tenants.get(event.data.tenantId);
      const on = event.type === 'IncubatorTenantGraduated' ? event.data.graduatedOn : event.data.exitedOn;
      const status = event.type === 'IncubatorTenantGraduated' ? 'graduated' : 'exited';
      state.tenants.set(event.data.tenantId, { status, admittedOn: t?.admittedOn ?? on, on });
      break;
    }
    case 'IncubatorRecognized':
    case 'IncubatorLevelChanged':
    case 'IncubatorRevoked':
      break;
    default:
      assertNever(event);
  }
  return state;
}

/** A tenant leaves (graduates or exits) once, and only after being admitted. */
function requireIncubating(state: IncubatorState, tenantId: string, on: string, leaving: '毕业' | '退出'): void {
  const t = state.tenants.get(tenantId);
  if (!t) refuse('data.tenantId', `在孵企业 ${tenantId} 未入孵, 不能${leaving}`, tenantId);
  if (t.status === 'graduated') refuse('data.tenantId', `在孵企业 ${tenantId} 已于 ${t.on} 毕业, 不能再${leaving}`, tenantId);
  if (t.status === 'exited') refuse('data.tenantId', `在孵企业 ${tenantId} 已于 ${t.on} 退出, 不能再${leaving}`, tenantId);
  const field = leaving === '毕业' ? 'data.graduatedOn' : 'data.exitedOn';
  if (on < t.admittedOn) refuse(field, `${leaving}日期早于入孵日期 ${t.admittedOn}`, on);
}

export const incubatorsDecider: Decider<'incubators', IncubatorState> = {
  context: 'incubators',
  initialState: () => ({ facts: new Map(), tenants: new Map() }),
  evolve,
  streamOf: (record: ContextRecord<'incubators'>) => streamId('incubator', record.data.incubatorId),
  decide(record, state, ctx) {
    const base = { record, streamId: streamId('incubator', record.data.incubatorId), data: record.data };
    switch (record.type) {
      case 'IncubatorTenantGraduated': {
        const d = record.data;
        return decideFact(SPECS, state.facts, base, ctx, { rules: () => requireIncubating(state, d.tenantId, d.graduatedOn, '毕业') });
      }
      case 'IncubatorTenantExited': {
        const d = record.data;
        return decideFact(SPECS, state.facts, base, ctx, { rules: () => requireIncubating(state, d.tenantId, d.exitedOn, '退出') });
      }
      case 'IncubatorRecognized':
      case 'IncubatorLevelChanged':
      case 'IncubatorRevoked':
      case 'IncubatorTenantAdmitted':
        return decideFact(SPECS, state.facts, base, ctx);
      default:
        return assertNever(record);
    }
  },
};
