#!/usr/bin/env node
// `npm run kafka:start` / `npm run kafka:stop`: a local Apache Kafka broker (KRaft) on 127.0.0.1
// for development. The first start fetches the broker from Maven Central (see docs/kafka.md).
//
//   node scripts/kafka.mjs start [--port 9092] [--controller-port <port+1>] [--version 4.4.0] [--heap-mb 512]
//   node scripts/kafka.mjs stop  [--port 9092]
//   node scripts/kafka.mjs status [--port 9092]
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CACHE_DIR, DEFAULT_KAFKA_VERSION, isBrokerProcess, portAccepts, startBroker, stopPid } from './kafka/broker.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '9092' },
    'controller-port': { type: 'string' },
    version: { type: 'string', default: DEFAULT_KAFKA_VERSION },
    'heap-mb': { type: 'string', default: '512' },
    help: { type: 'boolean', short: 'h' },
  },
});

const command = positionals[0] ?? 'start';
const usage = 'usage: node scripts/kafka.mjs start|stop|status [--port 9092] [--controller-port N] [--version X.Y.Z] [--heap-mb 512]';
if (values.help || !['start', 'stop', 'status'].includes(command)) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

function int(name, raw) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`--${name} must be a port number (1-65535), got ${raw}`);
    process.exit(2);
  }
  return n;
}

const port = int('port', values.port);
const pidFile = path.join(DEFAULT_CACHE_DIR, `broker-${port}.json`);

function readState() {
  if (!existsSync(pidFile)) return null;
  try {
    return JSON.parse(readFileSync(pidFile, 'utf8'));
  } catch {
    return null;
  }
}

if (command === 'start') {
  const state = readState();
  if (state && isBrokerProcess(state.pid)) {
    console.log(`Kafka ${state.version} is already running on 127.0.0.1:${port} (pid ${state.pid}); stop it with npm run kafka:stop`);
    process.exit(0);
  }
  if (state) rmSync(pidFile, { force: true });
  const controllerPort = values['controller-port'] ? int('controller-port', values['controller-port']) : port + 1;
  try {
    console.log(`starting Kafka ${values.version} (KRaft) on 127.0.0.1:${port}…`);
    const broker = await startBroker({
      port,
      controllerPort,
      version: values.version,
      heapMb: int('heap-mb', values['heap-mb']),
      detached: true,
    });
    mkdirSync(path.dirname(pidFile), { recursive: true });
    writeFileSync(pidFile, JSON.stringify({ pid: broker.pid, port, controllerPort, version: broker.version, dataDir: broker.dataDir }, null, 2));
    console.log(`Kafka ${broker.version} is running: KAFKA_BROKERS=${broker.brokers.join(',')} (controller on ${controllerPort}, pid ${broker.pid})`);
    console.log(`  data and log: ${broker.dataDir}`);
    console.log('  stop it with: npm run kafka:stop');
    process.exit(0);
  } catch (err) {
    console.error(`Kafka did not start: ${err.message}`);
    process.exit(1);
  }
}

if (command === 'stop') {
  const state = readState();
  if (!state) {
    const busy = await portAccepts(port);
    console.log(busy ? `no broker started by this script on port ${port} (something else listens there; not touched)` : `no Kafka broker running on port ${port}`);
    process.exit(0);
  }
  console.log(`stopping Kafka on 127.0.0.1:${port} (pid ${state.pid})…`);
  const gone = await stopPid(state.pid);
  if (!gone) {
    console.error(`pid ${state.pid} did not exit; left ${pidFile} in place`);
    process.exit(1);
  }
  if (state.dataDir) rmSync(state.dataDir, { recursive: true, force: true });
  rmSync(pidFile, { force: true });
  console.log('Kafka stopped');
}

if (command === 'status') {
  const state = readState();
  const running = state && isBrokerProcess(state.pid);
  console.log(running ? `Kafka ${state.version} running on 127.0.0.1:${port} (pid ${state.pid}, data ${state.dataDir})` : `no Kafka broker running on port ${port}`);
  process.exit(running ? 0 : 1);
}
