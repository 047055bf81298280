/**
 * Query key shapes — which fields and operators a query uses, never a value — for document
 * queries (CloudBase EJSON) and SQL text (literals replaced by `?`).
 */
const MAX_SHAPE = 512;

/** `{"mood":{"$gt":3},"uid":"x"}` → `{mood:{$gt},uid}`. Accepts an object or its JSON text. */
export function docShape(query: unknown, depth = 0): string | undefined {
  let q = query;
  if (typeof q === 'string') {
    try {
      q = JSON.parse(q) as unknown;
    } catch {
      return undefined;
    }
  }
  if (q === null || typeof q !== 'object') return undefined;
  const s = shapeOf(q, depth);
  return s.length > MAX_SHAPE ? s.slice(0, MAX_SHAPE - 1) + '…' : s;
}

function shapeOf(v: unknown, depth: number): string {
  if (depth > 6) return '…';
  if (Array.isArray(v)) {
    const parts = v.filter((x) => x !== null && typeof x === 'object').slice(0, 8).map((x) => shapeOf(x, depth + 1));
    return parts.length > 0 ? `[${parts.join(',')}]` : '';
  }
  if (v === null || typeof v !== 'object') return '';
  const keys = Object.keys(v as object);
  // EJSON scalars ({"$oid": …}, {"$date": …}) are values
  if (keys.length === 1 && /^\$(oid|date|number(?:Int|Long|Double|Decimal)|regex|regularExpression|binary|timestamp|undefined|minKey|maxKey)$/.test(keys[0] ?? '')) return '';
  const parts = keys.slice(0, 32).map((k) => {
    const inner = shapeOf((v as Record<string, unknown>)[k], depth + 1);
    return inner ? `${safeKey(k)}:${inner}` : safeKey(k);
  });
  return `{${parts.join(',')}}`;
}

/** Field names are code, but a key can still be data (`{"13812345678": …}`): digits become `#`. */
function safeKey(k: string): string {
  return k.length > 64 ? k.slice(0, 64) : /\d{5,}/.test(k) ? k.replace(/\d/g, '#') : k;
}

/** Aggregation stages as CloudBase sends them: `[{stageKey:'$match', stageValue:'{…}'}]`. */
export function stagesShape(stages: unknown): string | undefined {
  if (!Array.isArray(stages)) return undefined;
  const parts = stages.slice(0, 16).map((st) => {
    const s = st as { stageKey?: unknown; stageValue?: unknown };
    const key = typeof s.stageKey === 'string' ? s.stageKey : '?';
    return key + (docShape(s.stageValue) ?? '');
  });
  const out = parts.join('|');
  return out.length > MAX_SHAPE ? out.slice(0, MAX_SHAPE - 1) + '…' : out;
}

export interface SqlInfo {
  op: string;
  table: string;
  shape: string;
}

/** Operation, main table and literal-free text of a SQL statement. */
export function sqlInfo(sql: string): SqlInfo {
  const shape = sqlShape(sql);
  const op = (/^\s*\(?\s*([a-z]+)/i.exec(shape)?.[1] ?? 'query').toLowerCase();
  let table: string | undefined;
  const re =
    op === 'insert' ? /\binto\s+([\w."`$]+)/i
    : op === 'update' ? /^\s*update\s+(?:only\s+)?([\w."`$]+)/i
    : op === 'create' || op === 'drop' || op === 'alter' || op === 'truncate' ? /\btable\s+(?:if\s+(?:not\s+)?exists\s+)?([\w."`$]+)/i
    : /\bfrom\s+(?:only\s+)?([\w."`$]+)/i;
  table = re.exec(shape)?.[1];
  table = table?.replace(/["`]/g, '');
  return { op, table: table && table !== '?' ? table.slice(0, 256) : op === 'select' ? '(none)' : `(${op})`, shape };
}

/** Comments removed, strings and numbers replaced by `?`, lists collapsed, whitespace squeezed. */
export function sqlShape(sql: string): string {
  const s = sql
    .slice(0, 8192)
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\$[\s\S]*?\$\$/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)\b/gi, '?')
    .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, '(?)')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > MAX_SHAPE ? s.slice(0, MAX_SHAPE - 1) + '…' : s;
}
