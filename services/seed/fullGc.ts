/**
 * A full garbage collection on demand, without starting node with --expose-gc: a long seeding
 * allocates millions of short-lived objects, and V8 (whose heap limit here is several GB) lets the
 * heap grow to many times what is live before it collects: `brain seed --enterprises 30000`
 * peaked at 1.3 GB RSS with 150–400 MB live. runSeed collects when the RSS passes a cap.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | undefined;

/** Runs a full collection (the flag that exposes `gc` is set once, for contexts made after it). */
export function fullGc(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}
