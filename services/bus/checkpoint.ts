import { mkdirSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { InfrastructureError } from '../../contracts/errors.ts';

/** Where the relay keeps the global position of the last event Kafka acknowledged. */
export interface CheckpointStore {
  /** The saved position, 0 when nothing was saved yet. */
  load(): Promise<number>;
  /** Saves durably: once this resolves, a crash cannot bring back an older position. */
  save(position: number): Promise<void>;
}

/**
 * A checkpoint in one small JSON file, replaced atomically (write a temp file, fsync, rename,
 * fsync the folder), so a crash leaves either the old or the new position, never a torn file.
 */
export function fileCheckpoint(file: string): CheckpointStore {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const temp = `${target}.tmp`;
  mkdirSync(dir, { recursive: true });
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(target, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw new InfrastructureError(`relay checkpoint ${target}: cannot read: ${(err as Error).message}`, { retriable: true, cause: err });
      }
      const position = (JSON.parse(text) as { position?: unknown }).position;
      if (!Number.isSafeInteger(position) || (position as number) < 0)
        throw new InfrastructureError(`relay checkpoint ${target} holds no valid position: ${text.slice(0, 200)}`, { retriable: false });
      return position as number;
    },
    async save(position) {
      try {
        const fh = await open(temp, 'w');
        try {
          await fh.writeFile(JSON.stringify({ position, savedAt: new Date().toISOString() }) + '\n');
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(temp, target);
        const d = await open(dir, 'r');
        try {
          await d.sync();
        } finally {
          await d.close();
        }
      } catch (err) {
        throw new InfrastructureError(`relay checkpoint ${target}: cannot save: ${(err as Error).message}`, { retriable: true, cause: err });
      }
    },
  };
}
