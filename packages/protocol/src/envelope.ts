/** The batch envelope around the events, and the collector's answer. */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS, PROTOCOL_VERSION, type MgEvent } from './events.js';

const Str = (maxLength: number = LIMITS.maxNameLength) => Type.String({ maxLength });

export const DeviceContext = Type.Object(
  {
    brand: Type.Optional(Str(64)),
    model: Type.Optional(Str(128)),
    os: Type.Optional(Str(32)),
    osVersion: Type.Optional(Str(64)),
    platform: Type.Optional(Str(32)),
    wechat: Type.Optional(Str(32)),
    baseLib: Type.Optional(Str(32)),
    network: Type.Optional(Str(16)),
    screen: Type.Optional(Str(32)),
    benchmark: Type.Optional(Type.Integer({ minimum: -1, maximum: 100 })),
    host: Type.Optional(Str(128)),
    runtime: Type.Optional(Str(64)),
  },
  { additionalProperties: false },
);
export type DeviceContext = Static<typeof DeviceContext>;

/** The batch envelope. `events` is validated one by one, so one bad event does not sink the batch. */
export const BatchEnvelope = Type.Object(
  {
    v: Type.Literal(PROTOCOL_VERSION),
    app: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    env: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    release: Type.Optional(Str(64)),
    sdk: Type.Object(
      { name: Str(64), version: Str(32) },
      { additionalProperties: false },
    ),
    sentAt: Type.Number({ description: 'client clock when the batch was sent, ms since epoch' }),
    ctx: Type.Optional(DeviceContext),
    events: Type.Array(Type.Unknown(), { maxItems: LIMITS.maxEventsPerBatch }),
  },
  { additionalProperties: false, $id: 'BatchEnvelope' },
);
export type BatchEnvelope = Omit<Static<typeof BatchEnvelope>, 'events'> & { events: MgEvent[] };

/** The collector's answer to a batch. */
export const IngestResponse = Type.Object({
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Array(
    Type.Object({ index: Type.Integer(), field: Type.String(), message: Type.String() }),
  ),
  config: Type.Optional(
    Type.Object({
      enabled: Type.Boolean(),
      sampling: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }))),
    }),
  ),
});
export type IngestResponse = Static<typeof IngestResponse>;
