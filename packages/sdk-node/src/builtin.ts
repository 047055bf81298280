/**
 * Node built-ins loaded on first use, not at import: `node:crypto` and `node:http` alone cost a
 * cloud function's cold start ~14 ms when imported eagerly, and many invocations never need them.
 */
import { createRequire } from 'node:module';

interface Modules {
  'node:crypto': typeof import('node:crypto');
  'node:http': typeof import('node:http');
  'node:https': typeof import('node:https');
  'node:os': typeof import('node:os');
  'node:perf_hooks': typeof import('node:perf_hooks');
  'node:fs/promises': typeof import('node:fs/promises');
}

const cache = new Map<string, unknown>();
let req: ((id: string) => unknown) | undefined;

export function builtin<K extends keyof Modules>(id: K): Modules[K] {
  let m = cache.get(id);
  if (m === undefined) {
    if (typeof process.getBuiltinModule === 'function') m = process.getBuiltinModule(id);
    else m = (req ??= createRequire(import.meta.url))(id);
    cache.set(id, m);
  }
  return m as Modules[K];
}
