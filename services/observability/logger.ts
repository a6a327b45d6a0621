import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The platform's logger: JSON lines (pino) for machines; on a terminal, one readable line per
 * record so an operator watching `npm start` can follow what happens.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  const level = options.level ?? 'info';
  if (process.stdout.isTTY && !process.env.LOG_JSON) {
    return pino({ level, name: options.name, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, prettyStream());
  }
  return pino({ level, name: options.name, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

function prettyStream(): { write(line: string): void } {
  return {
    write(line: string) {
      try {
        const { level, time, msg, name, ...rest } = JSON.parse(line) as Record<string, unknown> & { level: number; time: string; msg?: string; name?: string };
        const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
        process.stdout.write(`${String(time).slice(11, 19)} ${LEVELS[level] ?? level} ${name ? `[${name}] ` : ''}${msg ?? ''}${extra}\n`);
      } catch {
        process.stdout.write(line);
      }
    },
  };
}
