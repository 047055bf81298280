#!/usr/bin/env node
/**
 * The `mgops` command: start the platform, manage ingest keys, check a config file.
 *   mgops start [--port N] [--host H] [--data DIR] [--config FILE] [--demo]
 *   mgops keys create --app ID [--note TEXT] [--data DIR] [--config FILE]
 *   mgops keys list|revoke ID [--data DIR]
 *   mgops check-config [FILE]
 *   mgops demo scenarios|outbox|inject NAME|remove NAME [--url URL]; demo run --target URL --key K
 *   mgops users create --name N --role admin|ops|developer|viewer [--password P] [--data DIR]
 *   mgops users list | tokens create --name N --role R [--data DIR]
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ConfigError, DEFAULT_CONFIG_PATH, formatIssue, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { buildPlatform, type PlatformPlugin } from './app.js';
import { openStore } from './storage/index.js';
import { createKey } from './ingest/keys.js';
import { extraPlugins } from './plugins.js';
import { demoCommand } from './demo/cli.js';
import { usersCommand } from './auth/cli.js';

const HELP = `mgops — MindGuard Ops

  mgops start [--port N] [--host H] [--data DIR] [--config FILE] [--demo]
  mgops keys create --app ID [--note TEXT] [--data DIR]
  mgops keys list [--data DIR]
  mgops keys revoke KEY_ID [--data DIR]
  mgops check-config [FILE]
  mgops demo scenarios|outbox [--url URL]        (a platform started with --demo)
  mgops demo inject|remove SCENARIO [--url URL]
  mgops demo run --target URL --key K [--users N] [--speed S]   simulated MindGuard traffic
  mgops users create --name N --role admin|ops|developer|viewer [--password P] [--data DIR]
  mgops users list [--data DIR]
  mgops tokens create --name N --role R [--data DIR]   (API token for automation)
  start --auth off   tests only: dashboard APIs without login (loopback only, logged loudly)
`;

function readConfig(file: string | undefined): { config: Config; path: string } {
  const path = resolve(file ?? DEFAULT_CONFIG_PATH);
  const { config, warnings } = loadConfig(path);
  for (const w of warnings) console.error(`warning: ${formatIssue(w)}`);
  return { config, path };
}

async function start(values: Record<string, string | boolean | undefined>): Promise<void> {
  const { config, path } = readConfig(values.config as string | undefined);
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: '${values.port}' is not a port number`);
    config.server.port = port;
  }
  if (typeof values.host === 'string') config.server.host = values.host;
  const dataDir = resolve((values.data as string | undefined) ?? 'data');
  if (values.auth !== undefined && values.auth !== 'on' && values.auth !== 'off') throw new Error(`--auth: '${String(values.auth)}' must be on or off`);
  const plugins: PlatformPlugin[] = await extraPlugins({ demo: values.demo === true, auth: values.auth === 'off' ? 'off' : 'on' });
  const platform = await buildPlatform({
    config,
    dataDir,
    ...(process.env.MGOPS_PSEUDONYM_KEY ? { pseudonymKey: process.env.MGOPS_PSEUDONYM_KEY } : {}),
    plugins,
  });
  const address = await platform.app.listen({ port: config.server.port, host: config.server.host });
  platform.logger.info({ address, data: dataDir, config: path }, 'MindGuard Ops is running');
  console.log(`MindGuard Ops listening on ${address} (data: ${dataDir}, config: ${path})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    platform.logger.info({ signal }, 'shutting down: flushing everything acknowledged');
    platform.close().then(
      () => process.exit(0),
      (err: unknown) => {
        platform.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function keys(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<void> {
  const { config } = readConfig(values.config as string | undefined);
  const store = await openStore(config, resolve((values.data as string | undefined) ?? 'data'));
  try {
    const sub = positionals[1];
    if (sub === 'create') {
      const app = values.app;
      if (typeof app !== 'string') throw new Error('keys create needs --app ID');
      if (!config.apps.some((a) => a.id === app)) throw new Error(`--app: unknown app '${app}' (configured: ${config.apps.map((a) => a.id).join(', ')})`);
      const { key, record } = await createKey(store, app, Date.now(), values.note as string | undefined);
      console.error(`created ingest key ${record.id} for app ${app}; it is shown once — store it now:`);
      console.log(key);
    } else if (sub === 'list') {
      for (const k of await store.listKeys()) {
        console.log(`${k.id}\t${k.app}\t${k.prefix}…\t${new Date(k.createdAt).toISOString()}\t${k.revokedAt ? 'revoked' : 'active'}\t${k.note ?? ''}`);
      }
    } else if (sub === 'revoke') {
      const id = positionals[2];
      if (!id) throw new Error('keys revoke needs a key id (see keys list)');
      if (!(await store.revokeKey(id, Date.now()))) throw new Error(`no active key with id '${id}'`);
      console.log(`revoked ${id}`);
    } else {
      throw new Error(`unknown keys command '${sub ?? ''}'\n${HELP}`);
    }
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      demo: { type: 'boolean' },
      app: { type: 'string' },
      note: { type: 'string' },
      auth: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      url: { type: 'string' },
      target: { type: 'string' },
      key: { type: 'string' },
      users: { type: 'string' },
      speed: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const cmd = positionals[0];
  if (values.help || !cmd) {
    console.log(HELP);
    return cmd || values.help ? 0 : 1;
  }
  switch (cmd) {
    case 'start':
      await start(values);
      return -1;
    case 'keys':
      await keys(positionals, values);
      return 0;
    case 'users':
    case 'tokens': {
      const { config } = readConfig(values.config as string | undefined);
      await usersCommand(cmd, positionals[1], values, config, resolve((values.data as string | undefined) ?? 'data'));
      return 0;
    }
    case 'demo': {
      const { config } = readConfig(values.config as string | undefined);
      return demoCommand(positionals, values, `http://127.0.0.1:${config.server.port}`);
    }
    case 'check-config': {
      const { path, config } = readConfig(positionals[1] ?? values.config);
      console.log(`${path}: OK (${Object.keys(config.metrics).length} metrics, ${config.matrix.length} matrix rows)`);
      return 0;
    }
    default:
      console.error(`unknown command '${cmd}'\n${HELP}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`error: ${(err as Error).message}`);
    process.exit(2);
  },
);
