import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadKeyring } from '../../services/auth/keyring.ts';
import { ConfigSchema, loadConfig } from '../../services/config/config.ts';
import { servicesOf } from '../../services/platform/serviceSelection.ts';

// Docker is not available here, so the compose file is checked against the config schema instead
// of being run: every platform service must start from its environment alone.
const root = path.resolve(import.meta.dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; healthcheck?: { test: unknown }; secrets?: string[]; depends_on?: Record<string, unknown> }>;
  secrets?: Record<string, { file: string }>;
};
const platformServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

describe('docker-compose.yml', () => {
  it('runs the infrastructure of the distributed mode: Kafka (KRaft), KurrentDB, ClickHouse', () => {
    expect(compose.services.kafka?.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.kurrentdb?.image).toMatch(/kurrentdb|eventstore/);
    expect(compose.services.clickhouse?.image).toMatch(/clickhouse-server/);
  });

  it('runs each platform service as its own process from one build', () => {
    const names = platformServices.map(([, s]) => s.environment?.SERVICES).sort();
    expect(names).toEqual(['api', 'ingest', 'projector', 'relay']);
    for (const [, s] of platformServices) expect(s.image).toBe('innovation-brain:latest');
  });

  for (const [name, service] of platformServices) {
    describe(`service ${name}`, () => {
      it('has an environment the config schema accepts, nothing required missing', () => {
        const env = service.environment ?? {};
        const config = loadConfig(env);
        expect(config.EVENT_STORE).toBe('esdb');
        expect(config.BUS).toBe('kafka');
        expect(config.OLAP).toBe('clickhouse');
        expect(config.ESDB_CONNECTION_STRING).toMatch(/^esdb:\/\/kurrentdb:2113/);
        expect(config.KAFKA_BROKERS).toBe('kafka:9092');
        expect(new URL(config.CLICKHOUSE_URL!).hostname).toBe('clickhouse');
        expect([...servicesOf(config)]).toEqual([env.SERVICES]);
      });

      it('declares the environment only through names the config knows', () => {
        const known = new Set(Object.keys(ConfigSchema.shape));
        for (const key of Object.keys(service.environment ?? {})) expect(known, `unknown variable ${key}`).toContain(key);
      });

      it('has a health check on its readiness endpoint and waits for its dependencies', () => {
        expect(JSON.stringify(service.healthcheck?.test)).toContain('/readyz');
        expect(Object.keys(service.depends_on ?? {}).sort()).toEqual(['clickhouse', 'kafka', 'kurrentdb']);
      });

      it('reads API keys from a hashed keys file, not dev keys', () => {
        expect(service.secrets).toContain('api_keys');
        expect(service.environment?.API_KEYS_FILE).toBe('/run/secrets/api_keys');
      });
    });
  }

  it('ships an example keys file the keyring accepts (hashes only)', () => {
    const file = path.join(root, compose.secrets!.api_keys!.file);
    const keyring = loadKeyring({ API_KEYS_FILE: file, DATA_DIR: '/nonexistent' });
    expect(keyring.source).toBe('file');
    expect(keyring.authenticate('Bearer example-viewer-key-change-me')).toEqual({ keyId: 'example-viewer', role: 'viewer' });
    expect(readFileSync(file, 'utf8')).not.toContain('change-me');
  });

  it('builds one non-root image with a health check', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
  });
});
