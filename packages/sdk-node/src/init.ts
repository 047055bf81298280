/**
 * `init(options)`: creates sdk-core's client with the Node transport, puts it behind the global
 * recorder, and returns the SDK handle. Options are validated here, once; `optionsFromEnv` is the
 * only place that reads the environment.
 */
import { createClient, type Client, type ClientOptions, type MakeRequest } from '@mgops/sdk-core';
import { Recorder } from './recorder.js';
import { setRecorder } from './global.js';
import { nodeMakeRequest } from './transport.js';
import { builtin } from './builtin.js';

export const SDK_NAME = 'mgops-node';
export const SDK_VERSION = '0.1.0';

/** What the core client may be tuned with (everything but the identity fields). */
export type CoreTuning = Omit<ClientOptions, 'endpoint' | 'key' | 'app' | 'env' | 'release' | 'sdk'>;

export interface NodeSdkOptions {
  /** collector base URL, e.g. `https://ops.example.com` */
  endpoint: string;
  /** ingest key (`mgops keys create`) */
  key: string;
  app: string;
  env: string;
  release?: string;
  /** secret for user pseudonyms (HMAC-SHA256); without it no user id is sent */
  pseudonymKey?: string;
  /** batching, queue, retry, sampling… of the core client */
  core?: CoreTuning;
  /** replaces the node:http transport (tests, proxies) */
  makeRequest?: MakeRequest;
  /** called when the SDK swallowed one of its own faults (never with event contents) */
  onInternalError?: (err: unknown) => void;
}

export interface NodeSdk {
  client: Client;
  recorder: Recorder;
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<boolean>;
}

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`mgops: option '${key}': ${message}`);
    this.name = 'ConfigError';
  }
}

function check(o: NodeSdkOptions): void {
  if (typeof o.endpoint !== 'string' || !/^https?:\/\/[^/]+/.test(o.endpoint)) throw new ConfigError('endpoint', 'must be an http(s) URL');
  if (typeof o.key !== 'string' || o.key.length < 8) throw new ConfigError('key', 'must be an ingest key');
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(o.app ?? '')) throw new ConfigError('app', 'must match ^[a-z0-9][a-z0-9_-]*$');
  if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(o.env ?? '')) throw new ConfigError('env', 'must match ^[a-z0-9][a-z0-9_-]*$');
}

/**
 * Sets the SDK up for this process. Invalid options throw a `ConfigError` naming the option (a
 * start-up mistake, never at event time).
 */
export function init(options: NodeSdkOptions): NodeSdk {
  check(options);
  const client = createClient(
    {
      requestTimeoutMs: 5000,
      ...options.core,
      endpoint: options.endpoint,
      key: options.key,
      app: options.app,
      env: options.env,
      release: options.release,
      sdk: { name: SDK_NAME, version: SDK_VERSION },
      context: options.core?.context ?? { runtime: `node ${process.versions.node}`, host: builtin('node:os').hostname().slice(0, 128) },
    },
    options.makeRequest ?? nodeMakeRequest(),
  );
  const recorder = new Recorder({ sink: client, pseudonymKey: options.pseudonymKey, onInternalError: options.onInternalError });
  setRecorder(recorder);
  return {
    client,
    recorder,
    flush: (t = 2000) => recorder.flush(t),
    close: (t = 2000) => client.close(t),
  };
}

/** Options from `MGOPS_ENDPOINT`, `MGOPS_KEY`, `MGOPS_APP`, `MGOPS_ENV`, `MGOPS_RELEASE`, `MGOPS_PSEUDONYM_KEY`. */
export function optionsFromEnv(env: Record<string, string | undefined> = process.env): NodeSdkOptions | undefined {
  if (!env.MGOPS_ENDPOINT || !env.MGOPS_KEY) return undefined;
  return {
    endpoint: env.MGOPS_ENDPOINT,
    key: env.MGOPS_KEY,
    app: env.MGOPS_APP ?? 'mindguard',
    env: env.MGOPS_ENV ?? 'prod',
    release: env.MGOPS_RELEASE,
    pseudonymKey: env.MGOPS_PSEUDONYM_KEY,
  };
}
