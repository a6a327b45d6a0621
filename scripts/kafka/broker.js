// A real Apache Kafka broker (KRaft, combined broker + controller) for development and tests:
// its jars come from Maven Central through Maven (scripts/kafka/pom.xml), it runs with the
// installed Java 17, and it keeps its data in a temp folder. Used by scripts/kafka.mjs (the
// `npm run kafka:start|stop` CLI), test/support/globalSetup.ts and the tests that restart a broker.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const POM = path.join(REPO_ROOT, 'scripts', 'kafka', 'pom.xml');

/**
 * The broker version: the newest 4.x on Maven Central when this was written. kafkajs 2.2.4 is
 * tested against it by test/bus/kafkaVersion.test.ts (see docs/kafka.md for why 4.x works).
 */
export const DEFAULT_KAFKA_VERSION = '4.4.0';
export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'kafka');

const say = (line) => process.stderr.write(`${line}\n`);

/**
 * Makes sure the broker's jars are in `<cacheDir>/<version>/libs` (a `.complete` marker proves a
 * finished copy) and returns that folder. The first run downloads ~45 MB through Maven; later
 * runs, and every run after Maven's own cache (~/.m2) holds the jars, take no network at all.
 */
export function ensureKafkaLibs({ version = DEFAULT_KAFKA_VERSION, cacheDir = DEFAULT_CACHE_DIR, log = say } = {}) {
  const libs = path.join(cacheDir, version, 'libs');
  if (existsSync(path.join(libs, '.complete'))) return libs;

  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0)
    throw new Error('Maven (mvn) is needed to fetch the Kafka broker from Maven Central: install Maven 3.8+ (e.g. apt-get install maven) and Java 17+.');

  log(`downloading Kafka ${version} from Maven Central… (first run only; cached in ${path.relative(process.cwd(), libs) || libs})`);
  const started = Date.now();
  mkdirSync(path.dirname(libs), { recursive: true });
  // Copy into a private folder, then rename: a crashed or concurrent download never leaves a
  // half-filled libs folder that a later run would take for a complete one.
  const staging = mkdtempSync(path.join(path.dirname(libs), 'libs-staging-'));
  const run = spawnSync(
    'mvn',
    ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-Dkafka.version=${version}`, '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error || run.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    const out = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`fetching Kafka ${version} with Maven failed (is Maven Central reachable?):\n${out || run.error?.message}`);
  }
  const jars = readdirSync(staging).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith(`kafka_2.13-${version}`))) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Maven copied no kafka_2.13-${version}.jar; check scripts/kafka/pom.xml`);
  }
  writeFileSync(path.join(staging, '.complete'), `${new Date().toISOString()}\n`);
  try {
    renameSync(staging, libs);
  } catch (err) {
    // Another process finished first: its copy is as good as ours.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(libs, '.complete'))) throw err;
  }
  log(`Kafka ${version}: ${jars.length} jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return libs;
}

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function portAccepts(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Kafka's cluster-id format: 16 random bytes, URL-safe base64 without padding, not starting with '-'. */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties({ port, controllerPort, dataDir }) {
  return `# written by scripts/kafka/broker.js: one node that is both broker and KRaft controller
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${path.join(dataDir, 'log')}
# The platform creates its topics with explicit partitions and replication (relay, DLQ):
# a topic that appears by accident hides a missing createTopics.
auto.create.topics.enable=false
num.partitions=1
# One node: internal topics cannot have more replicas; few partitions start faster.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Development and tests: a group forms at once, and short session timeouts are allowed so a
# killed consumer leaves its group in seconds.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
# After a crash (kill -9) the restarted node waits for its old registration to expire before it
# serves (DUPLICATE_BROKER_REGISTRATION): 4 s instead of 9 s.
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
`;
}

function log4jProperties(logFile) {
  return `rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${logFile}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.server.name = org.apache.kafka.server
logger.server.level = INFO
`;
}

function tail(file, lines = 25) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Whether `pid` is alive and is a Kafka broker (guards against a recycled pid). */
export function isBrokerProcess(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return true; // no /proc (macOS): the pid is alive, trust the pid file
  }
}

/** Resolves true once the broker answers kafkajs's describeCluster. */
async function answers(brokers, timeoutMs) {
  const kafka = new Kafka({ brokers, clientId: 'brain-kafka-probe', logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 3000, retry: { retries: 0 } });
  const admin = kafka.admin();
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller !== -1) return true;
      } catch {
        // not ready yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Starts a broker and resolves once it accepts connections and answers describeCluster.
 * `dataDir` holds server.properties, the log4j config, server.log and the partitions; a folder
 * that was already formatted (a restart) keeps its data. `detached` lets the broker outlive this
 * process (the CLI); otherwise it dies with it.
 * Returns `{ brokers, port, controllerPort, pid, dataDir, version, logFile, stop() }`.
 */
export async function startBroker({
  port,
  controllerPort,
  dataDir,
  version = DEFAULT_KAFKA_VERSION,
  cacheDir = DEFAULT_CACHE_DIR,
  heapMb = 512,
  detached = false,
  timeoutMs = 90_000,
  log = say,
} = {}) {
  const libs = ensureKafkaLibs({ version, cacheDir, log });
  port ??= await freePort();
  controllerPort ??= await freePort();
  dataDir ??= mkdtempSync(path.join(os.tmpdir(), `brain-kafka-${port}-`));
  mkdirSync(dataDir, { recursive: true });
  if (await portAccepts(port)) throw new Error(`port ${port} is already in use on 127.0.0.1: stop what runs there or pick another port`);
  if (await portAccepts(controllerPort)) throw new Error(`controller port ${controllerPort} is already in use on 127.0.0.1: pick another one`);

  const config = path.join(dataDir, 'server.properties');
  const logFile = path.join(dataDir, 'server.log');
  writeFileSync(config, serverProperties({ port, controllerPort, dataDir }));
  writeFileSync(path.join(dataDir, 'log4j2.properties'), log4jProperties(logFile));
  const jvm = [
    '-cp',
    `${libs}${path.sep}*`,
    `-Dlog4j2.configurationFile=${path.join(dataDir, 'log4j2.properties')}`,
    '-Djava.awt.headless=true',
  ];

  if (!existsSync(path.join(dataDir, 'log', 'meta.properties'))) {
    const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', config], { encoding: 'utf8' });
    if (format.error?.code === 'ENOENT') throw new Error('Java (java) is needed to run the Kafka broker: install a JDK 17+.');
    if (format.status !== 0) throw new Error(`formatting the Kafka storage failed:\n${format.stdout}${format.stderr}`);
  }

  const out = openSync(path.join(dataDir, 'stdout.log'), 'a');
  const child = spawn('java', [`-Xms${Math.min(256, heapMb)}m`, `-Xmx${heapMb}m`, '-XX:+ExitOnOutOfMemoryError', ...jvm, 'kafka.Kafka', config], {
    detached,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let exited = null;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  if (detached) child.unref();
  else {
    // The broker must not outlive the test run that started it, even when that run crashes.
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    exit.then(() => process.off('exit', kill));
  }

  const brokers = [`127.0.0.1:${port}`];
  const stop = async (graceMs = 20_000) => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  while (!(await portAccepts(port))) {
    if (exited) throw new Error(`the Kafka broker exited (${exited.code ?? exited.signal}) while starting; its log:\n${tail(logFile)}\n${tail(path.join(dataDir, 'stdout.log'), 10)}`);
    if (Date.now() > deadline) {
      await stop(2000);
      throw new Error(`the Kafka broker did not open port ${port} within ${timeoutMs / 1000} s; its log:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!(await answers(brokers, Math.max(5000, deadline - Date.now())))) {
    await stop(2000);
    throw new Error(`the Kafka broker on port ${port} accepts connections but does not answer describeCluster; its log:\n${tail(logFile)}`);
  }
  return { brokers, port, controllerPort, pid: child.pid, dataDir, version, logFile, stop, exited: exit };
}

/**
 * Stops a broker by pid: SIGTERM (Kafka shuts down cleanly), then SIGKILL after `graceMs`.
 * Resolves true when the process is gone.
 */
export async function stopPid(pid, graceMs = 20_000) {
  if (!isBrokerProcess(pid)) return true;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    if (!isBrokerProcess(pid)) return true;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return true;
  }
  await new Promise((r) => setTimeout(r, 500));
  return !isBrokerProcess(pid);
}
