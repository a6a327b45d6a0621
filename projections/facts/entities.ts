import type { DomainEventOf, RecordedEvent } from '../../contracts/events/index.ts';
import { isAreaStreet } from '../../contracts/identifiers.ts';
import type { Projection, Row } from '../projection.ts';
import { baseRow, factTableDdl } from './common.ts';

const handles = ['EnterpriseRegistered', 'EnterpriseRelocated', 'EnterpriseDeregistered'] as const;
type Handled = DomainEventOf<(typeof handles)[number]>;

/**
 * The enterprise dimension over time: one row per change of an enterprise's location. The
 * location at a date is the row with the latest `effective_from` on or before it. Name and
 * industry come from the registration row (relocations leave them empty).
 */
export const entityLocations: Projection = {
  name: 'fact_entities',
  version: 1,
  handles,
  tables: [
    {
      name: 'fact_entity_locations',
      ddl: factTableDdl(
        `uscc String,
  change LowCardinality(String),
  effective_from Date,
  in_area UInt8,
  street String,
  park String,
  division_code String,
  name String,
  industry_code String,
  industry String`,
        'uscc, effective_from, event_id',
      ),
    },
  ],
  project(events: readonly RecordedEvent[]) {
    const rows: Row[] = [];
    for (const e of events) {
      const row = locationRow(e as Handled);
      if (row) rows.push({ ...baseRow(e), ...row });
    }
    return { fact_entity_locations: rows };
  },
};

const EMPTY = { street: '', park: '', division_code: '', name: '', industry_code: '', industry: '' };

function locationRow(e: Handled): Row | undefined {
  switch (e.type) {
    case 'EnterpriseRegistered': {
      const d = e.data;
      return {
        uscc: d.uscc,
        change: 'registered',
        effective_from: d.establishedOn,
        // "In area" is the street's, never the USCC's division digits.
        in_area: isAreaStreet(d.street) ? 1 : 0,
        street: d.street,
        park: d.park ?? '',
        division_code: d.divisionCode,
        name: d.name,
        industry_code: d.industryCode,
        industry: d.industry ?? d.industryCode,
      };
    }
    case 'EnterpriseRelocated': {
      const d = e.data;
      const inArea = d.street ? isAreaStreet(d.street) : d.direction === 'in';
      return {
        ...EMPTY,
        uscc: d.uscc,
        change: d.direction === 'in' ? 'relocated_in' : 'relocated_out',
        effective_from: d.relocatedOn,
        in_area: inArea ? 1 : 0,
        street: d.street ?? '',
        park: d.park ?? '',
        division_code: d.divisionCode ?? '',
      };
    }
    case 'EnterpriseDeregistered':
      return { ...EMPTY, uscc: e.data.uscc, change: 'deregistered', effective_from: e.data.deregisteredOn, in_area: 0 };
    default:
      return undefined;
  }
}
