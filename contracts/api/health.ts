import { z } from 'zod';

/** The health routes' answers (services/http/health.ts). */

export const HealthResponse = z
  .object({
    status: z.literal('ok'),
    services: z.array(z.string()).describe('The services this process runs (ingest, relay, projector, api, olap)'),
  })
  .meta({ id: 'Health' });

export const ReadyResponse = z
  .object({
    status: z.enum(['ready', 'not ready']),
    checks: z.record(z.string(), z.boolean()).describe('Each check: started, store (the event store answers), olap (ClickHouse answers)'),
  })
  .meta({ id: 'Readiness' });
