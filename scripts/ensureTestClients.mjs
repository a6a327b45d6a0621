#!/usr/bin/env node
// Makes the third-party ClickHouse clients of test/olap/thirdParty.test.ts available: Python's
// clickhouse-connect (from PyPI) and the official ClickHouse JDBC driver (from Maven Central, through
// Maven and test/olap/jdbc/pom.xml) with its probe test/olap/jdbc/Probe.java compiled by javac.
// Idempotent: when everything is in place it spawns two short processes (a Python import, `java -version`)
// and downloads nothing. Called by scripts/test.mjs before the suite and by the test itself.
//
//   node scripts/ensureTestClients.mjs          → installs what is missing, prints where things are
//   node scripts/ensureTestClients.mjs --json   → the same as one JSON object on stdout (per client: ok + details or reason)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** clickhouse-connect release tested against the embedded engine's HTTP interface. */
export const CLICKHOUSE_CONNECT_VERSION = '1.12.0';
const PY_VENV = path.join(ROOT, '.cache', 'pyclients');
const JDBC_DIR = path.join(ROOT, 'test', 'olap', 'jdbc');
const JDBC_POM = path.join(JDBC_DIR, 'pom.xml');
const PROBE_SOURCE = path.join(JDBC_DIR, 'Probe.java');
const JDBC_CACHE = path.join(ROOT, '.cache', 'jdbc');

const say = (line) => console.error(line);

/** Runs a program without blocking the event loop (the test calls this with a server in-process). */
function run(file, args, { timeoutMs = 600_000, cwd = ROOT } = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, missing: err?.code === 'ENOENT', error: err });
    });
  });
}

function lastLines(text, n = 6) {
  return text.trim().split('\n').slice(-n).join('\n');
}

async function clickhouseConnectVersion(python) {
  const r = await run(python, ['-c', "import clickhouse_connect, importlib.metadata as m; print(m.version('clickhouse-connect'))"], { timeoutMs: 60_000 });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The interpreter that imports clickhouse_connect: the project's venv if there is one, else python3. */
async function findPython() {
  const venvPython = path.join(PY_VENV, 'bin', 'python');
  for (const python of [venvPython, 'python3']) {
    if (python === venvPython && !existsSync(venvPython)) continue;
    const version = await clickhouseConnectVersion(python);
    if (version) return { interpreter: python === 'python3' ? 'python3' : venvPython, version };
  }
  return undefined;
}

async function pipInstall(python, extra = []) {
  return run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...extra, `clickhouse-connect==${CLICKHOUSE_CONNECT_VERSION}`]);
}

async function ensurePython(log) {
  const found = await findPython();
  if (found) return { ok: true, ...found };
  const python3 = await run('python3', ['--version'], { timeoutMs: 30_000 });
  if (python3.missing) return { ok: false, reason: 'python3 is not installed (apt-get install python3 python3-venv)' };

  const started = Date.now();
  log(`installing clickhouse-connect ${CLICKHOUSE_CONNECT_VERSION} from PyPI for the third-party client tests… (first run only)`);
  const direct = await pipInstall('python3');
  let failure = direct.code === 0 ? '' : lastLines(direct.stderr || direct.stdout);
  // Debian's own python3 refuses pip (PEP 668) or has no pip at all: use a venv of the project instead.
  if (direct.code !== 0 && /externally-managed-environment|No module named pip/i.test(direct.stderr + direct.stdout)) {
    rmSync(PY_VENV, { recursive: true, force: true });
    let venv = await run('python3', ['-m', 'venv', PY_VENV]);
    if (venv.code !== 0 && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
      log('python3 cannot make a venv (no ensurepip): installing python3-venv with apt-get…');
      const apt = await run('sh', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv)']);
      if (apt.code === 0) venv = await run('python3', ['-m', 'venv', PY_VENV]);
    }
    if (venv.code !== 0) return { ok: false, reason: `python3 refuses pip installs and "python3 -m venv" failed (apt-get install python3-venv): ${lastLines(venv.stderr)}` };
    const inVenv = await pipInstall(path.join(PY_VENV, 'bin', 'python'));
    failure = inVenv.code === 0 ? '' : lastLines(inVenv.stderr || inVenv.stdout);
  }
  if (failure) return { ok: false, reason: `pip install clickhouse-connect==${CLICKHOUSE_CONNECT_VERSION} failed (is PyPI reachable?):\n${failure}` };
  const installed = await findPython();
  if (!installed) return { ok: false, reason: 'pip installed clickhouse-connect but no interpreter imports it' };
  log(`clickhouse-connect ${installed.version} ready (${installed.interpreter}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ok: true, ...installed };
}

function jdbcVersion() {
  const m = /<clickhouse-jdbc\.version>([^<]+)<\/clickhouse-jdbc\.version>/.exec(readFileSync(JDBC_POM, 'utf8'));
  if (!m) throw new Error(`${JDBC_POM} names no <clickhouse-jdbc.version>`);
  return m[1].trim();
}

/** Writes into a private folder, then renames it into place: a crash or a concurrent run never leaves a half-filled folder. */
async function intoPlace(target, fill) {
  mkdirSync(path.dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}-staging-`);
  try {
    await fill(staging);
    writeFileSync(path.join(staging, '.complete'), `${new Date().toISOString()}\n`);
    if (existsSync(path.join(target, '.complete'))) {
      rmSync(staging, { recursive: true, force: true });
      return;
    }
    // A folder without the marker is what a crashed run left behind.
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    // Another process finished first: its copy is as good as ours.
    if (!existsSync(path.join(target, '.complete'))) throw err;
  }
}

async function ensureJdbc(log) {
  const java = await run('java', ['-version'], { timeoutMs: 30_000 });
  if (java.code !== 0) return { ok: false, reason: 'java is not installed (the JDBC test needs Java 17+: apt-get install openjdk-17-jdk-headless maven)' };
  const version = jdbcVersion();
  const libs = path.join(JDBC_CACHE, version, 'libs');
  if (!existsSync(path.join(libs, '.complete'))) {
    const mvn = await run('mvn', ['-v'], { timeoutMs: 60_000 });
    if (mvn.code !== 0) return { ok: false, reason: 'Maven (mvn) is needed to fetch the ClickHouse JDBC driver from Maven Central: apt-get install maven' };
    log(`downloading the ClickHouse JDBC driver ${version} from Maven Central… (first run only; cached in .cache/jdbc)`);
    const started = Date.now();
    try {
      await intoPlace(libs, async (staging) => {
        const r = await run('mvn', ['-q', '-B', '-f', JDBC_POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`]);
        if (r.code !== 0) throw new Error(`fetching the ClickHouse JDBC driver ${version} with Maven failed (is Maven Central reachable?):\n${lastLines(r.stdout + r.stderr, 12)}`);
        if (!readdirSync(staging).some((f) => f.startsWith(`clickhouse-jdbc-${version}`))) throw new Error(`Maven copied no clickhouse-jdbc-${version}*.jar; check ${path.relative(ROOT, JDBC_POM)}`);
      });
    } catch (err) {
      return { ok: false, reason: err.message };
    }
    log(`ClickHouse JDBC driver ${version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const libClasspath = path.join(libs, '*');
  // Compiled once per probe source and driver version; a changed Probe.java gets a new folder.
  const digest = createHash('sha256').update(readFileSync(PROBE_SOURCE)).update(version).digest('hex').slice(0, 12);
  const classes = path.join(JDBC_CACHE, `classes-${digest}`);
  if (!existsSync(path.join(classes, '.complete'))) {
    try {
      await intoPlace(classes, async (staging) => {
        const r = await run('javac', ['-encoding', 'UTF-8', '-d', staging, '-cp', libClasspath, PROBE_SOURCE], { timeoutMs: 120_000 });
        if (r.missing) throw new Error('javac is not installed (apt-get install openjdk-17-jdk-headless)');
        if (r.code !== 0) throw new Error(`javac ${path.relative(ROOT, PROBE_SOURCE)} failed:\n${lastLines(r.stderr, 12)}`);
      });
    } catch (err) {
      return { ok: false, reason: err.message };
    }
    for (const old of readdirSync(JDBC_CACHE)) {
      if (old.startsWith('classes-') && !old.includes('-staging-') && path.join(JDBC_CACHE, old) !== classes) rmSync(path.join(JDBC_CACHE, old), { recursive: true, force: true });
    }
  }
  return { ok: true, driverVersion: version, classpath: `${libClasspath}${path.delimiter}${classes}` };
}

/**
 * Installs what is missing and reports, per client, where it is or why it is not there.
 * Never throws for a client that cannot be installed: its entry says why (`ok: false, reason`).
 */
export async function checkTestClients({ log = say } = {}) {
  const [python, jdbc] = await Promise.all([
    ensurePython(log).catch((err) => ({ ok: false, reason: err.message })),
    ensureJdbc(log).catch((err) => ({ ok: false, reason: err.message })),
  ]);
  return { python, jdbc };
}

/** Installs the third-party test clients when missing; throws with every reason when one could not be had. */
export async function ensureTestClients({ log = say } = {}) {
  const result = await checkTestClients({ log });
  const failed = Object.entries(result).filter(([, r]) => !r.ok);
  if (failed.length > 0) throw new Error(failed.map(([name, r]) => `${name}: ${r.reason}`).join('\n'));
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await checkTestClients();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result));
  } else {
    for (const [name, r] of Object.entries(result)) console.log(`${name}: ${r.ok ? JSON.stringify({ ...r, ok: undefined }) : `NOT AVAILABLE: ${r.reason}`}`);
  }
  process.exit(Object.values(result).every((r) => r.ok) ? 0 : 1);
}
