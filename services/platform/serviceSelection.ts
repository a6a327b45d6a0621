/** Which of the platform's services this process runs (SERVICES, BUS and OLAP of the config). */
import type { Config } from '../config/config.ts';

export type ServiceName = 'ingest' | 'relay' | 'projector' | 'api' | 'olap';
const ALL_SERVICES: readonly ServiceName[] = ['ingest', 'relay', 'projector', 'api', 'olap'];

/** `all` is every service this configuration can run: no relay without a bus, no SQL gateway on a ClickHouse server. */
export function servicesOf(config: Config): Set<ServiceName> {
  const names = config.SERVICES.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.includes('all')) {
    const all = new Set(ALL_SERVICES);
    if (config.BUS === 'none') all.delete('relay');
    if (config.OLAP !== 'chdb') all.delete('olap');
    return all;
  }
  for (const n of names) if (!(ALL_SERVICES as readonly string[]).includes(n)) throw new Error(`SERVICES: unknown service "${n}" (expected all or ${ALL_SERVICES.join(', ')})`);
  return new Set(names as ServiceName[]);
}
