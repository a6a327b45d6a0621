// Types of broker.js (plain ESM, run by node without tsx) for the TypeScript callers (test support, benchmarks).

export declare const REPO_ROOT: string;
export declare const DEFAULT_KAFKA_VERSION: string;
export declare const DEFAULT_CACHE_DIR: string;

export interface BrokerOptions {
  port?: number;
  controllerPort?: number;
  /** Keeps server.properties, logs and partitions; an already formatted folder keeps its data (restart). */
  dataDir?: string;
  version?: string;
  cacheDir?: string;
  heapMb?: number;
  /** Let the broker outlive this process (the CLI). */
  detached?: boolean;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningBroker {
  brokers: string[];
  port: number;
  controllerPort: number;
  pid: number;
  dataDir: string;
  version: string;
  logFile: string;
  /** SIGTERM, then SIGKILL after graceMs (default 20 s); resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export declare function ensureKafkaLibs(options?: { version?: string; cacheDir?: string; log?: (line: string) => void }): string;
export declare function freePort(): Promise<number>;
export declare function portAccepts(port: number, host?: string, timeoutMs?: number): Promise<boolean>;
export declare function isBrokerProcess(pid: number): boolean;
export declare function startBroker(options?: BrokerOptions): Promise<RunningBroker>;
export declare function stopPid(pid: number, graceMs?: number): Promise<boolean>;
