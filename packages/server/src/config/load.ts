/**
 * Loads and validates the YAML config once, at start. Every error names the file, the line and
 * the key (`config/mindguard.yaml:42 metrics.page_load_time.warn: Expected number`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ConfigSchema, type Config } from './schema.js';
import { CATALOGUE, METRIC_IDS } from '../metrics/catalogue.js';
import { parseDuration } from '../util/duration.js';
import { validateChannelsConfig } from '../notify/config.js';
import { readAlertingSections } from '../alerting/config.js';

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../../../config/mindguard.yaml', import.meta.url));

export type ConfigIssue = { file: string; line: number; key: string; message: string };

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export const formatIssue = (i: ConfigIssue) => `${i.file}:${i.line} ${i.key}: ${i.message}`;

const check = TypeCompiler.Compile(ConfigSchema);

/** Reads, parses and validates a config file; throws ConfigError naming file, line and key. */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH): { config: Config; warnings: ConfigIssue[] } {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, line: 0, key: '/', message: `cannot read: ${(e as Error).message}` }]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): { config: Config; warnings: ConfigIssue[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line,
        key: '/',
        message: e.message.split('\n')[0] ?? 'YAML syntax error',
      })),
    );
  }
  const value: unknown = doc.toJS();
  const at = (path: (string | number)[]) => lineOf(doc, lc, path);
  const issues: ConfigIssue[] = [];
  if (!check.Check(value)) {
    const seen = new Set<string>();
    for (const err of check.Errors(value)) {
      const path = err.path.split('/').slice(1).map(unescapePointer);
      const key = path.join('.') || '/';
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push({ file, line: at(path), key, message: err.message });
      if (issues.length >= 20) break;
    }
    throw new ConfigError(issues);
  }
  const config = value as Config;
  issues.push(...semanticIssues(config, file, at));
  if (issues.length > 0) throw new ConfigError(issues);
  return { config, warnings: complianceWarnings(config, file, at) };
}

function unescapePointer(s: string): string | number {
  const t = s.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^\d+$/.test(t) ? Number(t) : t;
}

/** Line of the deepest existing node on the path (the parent when a key is missing). */
function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}

type At = (path: (string | number)[]) => number;

function semanticIssues(c: Config, file: string, at: At): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const add = (path: (string | number)[], message: string) =>
    out.push({ file, line: at(path), key: path.join('.'), message });
  for (const [id, m] of Object.entries(c.metrics)) {
    const def = CATALOGUE.find((d) => d.id === id);
    if (!def) {
      add(['metrics', id], `unknown metric; known: ${[...METRIC_IDS].join(', ')}`);
      continue;
    }
    if (m.warn !== undefined && m.warnLevel === undefined) add(['metrics', id, 'warnLevel'], 'warn needs warnLevel');
    if (m.crit !== undefined && m.critLevel === undefined) add(['metrics', id, 'critLevel'], 'crit needs critLevel');
    if (m.warn === undefined && m.crit === undefined) add(['metrics', id], 'needs warn or crit');
    (m.alertBy ?? []).forEach((dim, i) => {
      if (!def.dims.includes(dim)) add(['metrics', id, 'alertBy', i], `metric ${id} cannot be alerted by '${dim}'; its dimensions: ${def.dims.join(', ') || 'none'}`);
      else if (def.compute.kind === 'custom') add(['metrics', id, 'alertBy', i], `metric ${id} is computed by a detector, not from rollups: it cannot be alerted per '${dim}'`);
      else if (m.alertBy?.indexOf(dim) !== i) add(['metrics', id, 'alertBy', i], `'${dim}' is listed twice`);
    });
    if (m.warn !== undefined && m.crit !== undefined) {
      const ordered = def.direction === 'above' ? m.crit >= m.warn : m.crit <= m.warn;
      if (!ordered) add(['metrics', id, 'crit'], `crit must be ${def.direction === 'above' ? '≥' : '≤'} warn (bad is ${def.direction})`);
    }
  }
  for (const def of CATALOGUE) {
    if (!(def.id in c.metrics)) add(['metrics'], `metric ${def.id} has no thresholds`);
  }
  c.matrix.forEach((row, i) => {
    if (!METRIC_IDS.has(row.metric)) add(['matrix', i, 'metric'], `unknown metric '${row.metric}'`);
  });
  for (const level of ['P0', 'P1', 'P2', 'P3'] as const) {
    if (c.levels[level].channels.length === 0) add(['levels', level, 'channels'], 'a level needs at least one channel');
  }
  for (const [name, steps] of Object.entries(c.funnels?.flows ?? {})) {
    steps.forEach((step, i) => {
      if (step === '(exit)') add(['funnels', 'flows', name, i], "'(exit)' is reserved (older SDKs report a run's exit with it)");
      else if (steps.indexOf(step) !== i) add(['funnels', 'flows', name, i], `step '${step}' is listed twice`);
    });
  }
  if (c.storage.engine === 'postgres' && !c.storage.postgresUrl) add(['storage', 'postgresUrl'], 'postgres needs postgresUrl');
  // sections owned by notify and alerting validate themselves and report key paths
  const channels = validateChannelsConfig(c.channels);
  const alerting = readAlertingSections(c);
  for (const r of [channels, alerting]) {
    if ('issues' in r) for (const i of r.issues) add(i.path.map((k) => (/^\d+$/.test(k) ? Number(k) : k)), i.message);
  }
  return out;
}

const SIX_MONTHS = 183 * 86_400_000;

/** Legal minimums (SPEC.md §5): reported, never silently changed. */
function complianceWarnings(c: Config, file: string, at: At): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const cat of ['system', 'security', 'business'] as const) {
    if (parseDuration(c.retention[cat]) < SIX_MONTHS) {
      out.push({
        file,
        line: at(['retention', cat]),
        key: `retention.${cat}`,
        message: `${c.retention[cat]} is shorter than the six months that China's Cybersecurity Law art. 21(3) (art. 23(3) since 2026-01-01) requires for network operation and security logs`,
      });
    }
  }
  if (parseDuration(c.retention.exception) < 3 * 365 * 86_400_000) {
    out.push({
      file,
      line: at(['retention', 'exception']),
      key: 'retention.exception',
      message: 'PIPL art. 56 requires impact-assessment reports and processing records to be kept at least 3 years',
    });
  }
  return out;
}
