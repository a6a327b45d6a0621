/**
 * Entity profiles (一企一档) over the hand-made history (test/fixtures/kpi/handFixture.ts): search by
 * a two-character name fragment, a USCC, a street or a tag; a firm's file with its timeline (oldest
 * first, with the department that sent each record), its statuses and the KPIs it counts in.
 */
import { describe, expect, it } from 'vitest';
import type { EntityProfile, EntitySearchResult } from '../../contracts/entities.ts';
import { EVENT_IDS, FIRMS, HAND_EVENTS } from '../fixtures/kpi/handFixture.ts';
import { useKpiServer } from '../support/kpiServer.ts';

const server = useKpiServer(HAND_EVENTS);

async function get<T>(path: string, key: string | null = server().keys.viewer): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server().url}/api/v1${path}`, key ? { headers: { Authorization: `Bearer ${key}` } } : {});
  return { status: res.status, body: (await res.json()) as T };
}

describe('searching entities', () => {
  it('finds a firm by a two-character fragment of its Chinese name, with its street and tags', async () => {
    // As of the last day of 2024: A (阳光智能) holds 高企 GR202242000101 (2022-03-15 → 2025-03-14) and the 2024 科小 list.
    const { status, body } = await get<EntitySearchResult>(`/entities?q=${encodeURIComponent('阳光')}&asOf=2024-12-31`);
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    expect(body.entities[0]).toMatchObject({ id: FIRMS.A, kind: 'enterprise', name: '阳光智能', street: '阳逻街道', industry: '智能制造', inArea: true, uscc: FIRMS.A });
    expect(body.entities[0]!.tags.map((t) => t.label).sort()).toEqual(['专利权人', '科小', '高企'].sort());
  });

  it('finds by USCC, by street and by tag, and pages', async () => {
    expect((await get<EntitySearchResult>(`/entities?q=${FIRMS.B}`)).body.entities.map((e) => e.name)).toEqual(['长江生物']);
    const street = await get<EntitySearchResult>(`/entities?street=${encodeURIComponent('双柳街道')}`);
    expect(street.body.entities.map((e) => e.id)).toEqual([FIRMS.E]);
    // 高企 holders on 2024-06-30, wherever they are (a tag describes the firm; KPIs count in-area
    // firms): A (2022), B (2023-11-20), C (2024-03-01, moved out only in September), D (outside the
    // area), E (2024-05-10, revoked in November).
    const hte = await get<EntitySearchResult>(`/entities?tag=hte&asOf=2024-06-30`);
    expect(hte.body.entities.map((e) => e.id).sort()).toEqual([FIRMS.A, FIRMS.B, FIRMS.C, FIRMS.D, FIRMS.E].sort());
    const page = await get<EntitySearchResult>(`/entities?tag=hte&asOf=2024-06-30&limit=2&offset=2`);
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(page.body.entities.map((e) => e.id)).toEqual(hte.body.entities.slice(2, 4).map((e) => e.id));
    // Other kinds: the incubator by its name.
    const inc = await get<EntitySearchResult>(`/entities?q=${encodeURIComponent('孵化器')}`);
    expect(inc.body.entities.map((e) => [e.id, e.kind])).toEqual([['I1', 'incubator']]);
  });

  it('refuses bad input with the parameter and the reason', async () => {
    const bad = await get<{ title?: string; errors?: Array<{ field: string }> }>(`/entities?limit=0`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('limit');
    expect((await get(`/entities?tag=unicorn`)).status).toBe(400);
    expect((await get(`/entities?sort=name`)).status).toBe(400);
    expect((await get(`/entities?asOf=2999-01-01`)).status).toBe(400);
    expect((await get(`/entities?q=${'长'.repeat(101)}`)).status).toBe(400);
    expect((await get(`/entities`, null)).status).toBe(401);
  });
});

describe("a firm's file", () => {
  it('shows its timeline oldest first, with each event named and the department that sent it', async () => {
    const { status, body } = await get<EntityProfile>(`/entities/${FIRMS.A}?asOf=2024-12-31`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ id: FIRMS.A, name: '阳光智能', establishedOn: '2015-05-01', street: '阳逻街道' });
    const first = body.timeline[0]!;
    expect(first).toMatchObject({ eventId: EVENT_IDS.regA, type: 'EnterpriseRegistered', occurred: '2015-05-01', sourceUnit: '测试夹具' });
    expect(first.summary).toContain('企业登记');
    const dates = body.timeline.map((t) => t.occurred);
    expect(dates).toEqual([...dates].sort());
    const ids = body.timeline.map((t) => t.eventId);
    expect(ids).toEqual(expect.arrayContaining([EVENT_IDS.hteA, EVENT_IDS.smeA, EVENT_IDS.regA]));
    // The 2024 annual report was recorded in 2025: not known at the end of 2024.
    expect(ids).not.toContain(EVENT_IDS.finA);
    expect(body.statuses.find((s) => s.id === 'hte')).toMatchObject({ since: '2022-03-15', current: true });
  });

  it('says which KPIs it counts in at their latest period, with the reason', async () => {
    const { body } = await get<EntityProfile>(`/entities/${FIRMS.A}?asOf=2024-12-31`);
    const hte = body.kpis.find((k) => k.kpiId === 'hte_count');
    expect(hte).toMatchObject({ period: '2024', contribution: 1 });
    expect(hte!.reason).toContain('有效期内高新技术企业数');
    expect(body.kpis.find((k) => k.kpiId === 'tech_sme_count')).toMatchObject({ contribution: 1 });
    // C moved out of the area on 2024-09-30: its certificate is valid, but it no longer counts.
    const c = await get<EntityProfile>(`/entities/${FIRMS.C}?asOf=2024-12-31`);
    expect(c.body.inArea).toBe(false);
    expect(c.body.kpis.find((k) => k.kpiId === 'hte_count')).toBeUndefined();
  });

  it('answers 404 for an unknown entity and 400 for an impossible id', async () => {
    expect((await get(`/entities/91420117MA4KZ9999X`)).status).toBe(404);
    expect((await get(`/entities/${encodeURIComponent('a b;drop')}`)).status).toBe(400);
  });
});
