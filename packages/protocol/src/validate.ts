/**
 * Runtime validation compiled from the schemas in events.ts. Each event is checked on its own so a
 * batch keeps its valid events and reports the rejected ones by index and field.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMAS, type EventType, type MgEvent } from './events.js';
import { BatchEnvelope } from './envelope.js';

export type FieldError = { field: string; message: string };

const envelopeCheck = TypeCompiler.Compile(BatchEnvelope);
const eventChecks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);

function firstError(check: TypeCheck<TSchema>, value: unknown, prefix: string): FieldError {
  const err = check.Errors(value).First();
  if (!err) return { field: prefix || '/', message: 'invalid' };
  const path = err.path.replace(/^\//, '').replace(/\//g, '.');
  const field = prefix && path ? `${prefix}.${path}` : prefix || path || '/';
  return { field, message: err.message };
}

/** Validates the envelope without its events. */
export function checkEnvelope(value: unknown): FieldError | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { field: '/', message: 'body must be a JSON object (the batch envelope)' };
  }
  if (envelopeCheck.Check(value)) return null;
  return firstError(envelopeCheck, value, '');
}

/** Validates one event; the returned field is relative to the event. */
export function checkEvent(value: unknown): FieldError | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { field: '/', message: 'event must be an object' };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { field: 'type', message: 'missing event type' };
  const check = eventChecks.get(type);
  if (!check) return { field: 'type', message: `unknown event type '${type.slice(0, 40)}'` };
  if (check.Check(value)) return null;
  return firstError(check, value, '');
}

export function isEventType(type: string): type is EventType {
  return eventChecks.has(type);
}

export type { MgEvent };
