import { describe, expect, it } from 'vitest';
import { DomainEvent } from '../contracts/events/index.ts';
import { upcast, UPCASTERS, type UpcasterRegistry } from '../contracts/upcasters.ts';

const v1 = {
  type: 'HighTechCertified' as const,
  schemaVersion: 1,
  eventId: '0190a0d0-0000-7000-8000-000000000001',
  streamId: 'enterprise-91430111MA4L41YT1U',
  occurredAt: '2024-01-02',
  recordedAt: '2024-01-03T00:00:00Z',
  source: { system: '高企认定' },
  actor: 'key:test',
  data: { uscc: '91430111MA4L41YT1U', certificateNumber: 'GR202442000001', issuedOn: '2024-01-02' },
};

describe('upcasting stored events', () => {
  it('leaves an event at the current version as it is', () => {
    expect(upcast(v1)).toBe(v1);
    expect(UPCASTERS).toEqual({});
  });

  it('brings an old payload to the current schema through the registered steps', () => {
    // A hypothetical version 0 that called the certificate `certNo` and the date `issueDate`.
    const registry: UpcasterRegistry = {
      HighTechCertified: { 0: ({ certNo, issueDate, ...rest }) => ({ ...rest, certificateNumber: certNo, issuedOn: issueDate }) },
    };
    const old = { ...v1, schemaVersion: 0, data: { uscc: v1.data.uscc, certNo: 'GR202442000001', issueDate: '2024-01-02' } };
    const current = upcast(old, registry);
    expect(current.schemaVersion).toBe(1);
    expect(DomainEvent.parse(current).data).toMatchObject({ certificateNumber: 'GR202442000001', issuedOn: '2024-01-02' });
  });

  it('refuses a version with no upcaster, and a version newer than the code', () => {
    expect(() => upcast({ ...v1, schemaVersion: 0 })).toThrow(/no upcaster for HighTechCertified from schemaVersion 0/);
    expect(() => upcast({ ...v1, schemaVersion: 2 })).toThrow(/newer than this code/);
  });
});
