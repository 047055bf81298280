/**
 * The configuration schema: one TypeBox source for the types and the validation of
 * `config/mindguard.yaml`. Sections owned by other capabilities (people, on-call, channels,
 * escalation, silences, maintenance) are validated by those capabilities' own schemas.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DURATION_PATTERN } from '../util/duration.js';

const Duration = Type.String({ pattern: DURATION_PATTERN, description: 'e.g. 30s, 5m, 1h, 7d, 3y' });
export const Level = Type.Union([Type.Literal('P0'), Type.Literal('P1'), Type.Literal('P2'), Type.Literal('P3')]);
export type Level = Static<typeof Level>;
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 });

export const MetricConfig = Type.Object(
  {
    warn: Type.Optional(Type.Number()),
    crit: Type.Optional(Type.Number()),
    warnLevel: Type.Optional(Level),
    critLevel: Type.Optional(Level),
    window: Type.Optional(Duration),
    minSamples: Type.Optional(Type.Integer({ minimum: 0 })),
    responder: Type.Optional(Slug),
    enabled: Type.Optional(Type.Boolean()),
    /**
     * Dimensions the metric is also judged per value of (e.g. [route]): each value with at least
     * minSamples gets its own rule state and alert, labelled `{route: …}`. Each dimension on its
     * own, not their combinations; the dimension must be one the catalogue records for the metric.
     */
    alertBy: Type.Optional(Type.Array(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$', maxLength: 32 }), { maxItems: 4 })),
  },
  { additionalProperties: false },
);
export type MetricConfig = Static<typeof MetricConfig>;

const LevelConfig = Type.Object(
  {
    ackWithin: Duration,
    channels: Type.Array(Type.String({ maxLength: 32 })),
    notify: Type.Array(Type.String({ maxLength: 64 })),
    repeatEvery: Type.Optional(Duration),
    groupWait: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

const MatrixRow = Type.Object(
  {
    layer: Type.Union(['client', 'server', 'database', 'business', 'security'].map((l) => Type.Literal(l))),
    metric: Slug,
    collection: Type.String({ maxLength: 64 }),
    rule: Type.String({ maxLength: 64 }),
    responder: Slug,
  },
  { additionalProperties: false },
);
export type MatrixRow = Static<typeof MatrixRow>;

/**
 * Funnels the platform derives from `funnel_step` events: each flow's steps in order, and how long
 * a run may go without a step before it counts as left (an exit at its last step reached).
 */
const FunnelsConfig = Type.Object(
  {
    timeout: Duration,
    flows: Type.Record(Slug, Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 2, maxItems: 101 })),
  },
  { additionalProperties: false },
);
export type FunnelsConfig = Static<typeof FunnelsConfig>;

export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        host: Type.String(),
        publicUrl: Type.String({ pattern: '^https?://' }),
      },
      { additionalProperties: false },
    ),
    storage: Type.Object(
      {
        engine: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
        postgresUrl: Type.Optional(Type.String()),
        postgresSchema: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]*$', maxLength: 63 })),
      },
      { additionalProperties: false },
    ),
    apps: Type.Array(
      Type.Object(
        { id: Slug, name: Type.String(), environments: Type.Array(Slug, { minItems: 1 }) },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    ingest: Type.Object(
      {
        maxBodyBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
        maxEventsPerBatch: Type.Integer({ minimum: 1, maximum: 1000 }),
        maxQueuedEvents: Type.Integer({ minimum: 1000 }),
        maxConcurrentRequests: Type.Integer({ minimum: 1, maximum: 10_000 }),
        maxEventAge: Duration,
        maxFutureSkew: Duration,
        dimensionLimit: Type.Integer({ minimum: 1, maximum: 10_000 }),
        rateLimit: Type.Object(
          {
            requestsPerSecond: Type.Number({ exclusiveMinimum: 0 }),
            burst: Type.Integer({ minimum: 1 }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    retention: Type.Object(
      {
        business: Duration,
        system: Duration,
        security: Duration,
        exception: Duration,
        rollups: Duration,
        hot: Duration,
        warm: Duration,
        archive: Duration,
      },
      { additionalProperties: false },
    ),
    expected: Type.Object(
      {
        concurrentCapacity: Type.Number({ exclusiveMinimum: 0 }),
        dbConnectionsMax: Type.Number({ exclusiveMinimum: 0 }),
        slowQueryMs: Type.Number({ exclusiveMinimum: 0 }),
        aiTimeLimit: Duration,
        featureUsage: Type.Record(Type.String({ maxLength: 128 }), Type.Union([Type.Number({ minimum: 0 }), Type.Literal('history')])),
        retention: Type.Object(
          { day1: Type.Number({ exclusiveMinimum: 0, maximum: 100 }), day7: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) },
          { additionalProperties: false },
        ),
        authFailureBurst: Type.Integer({ minimum: 1 }),
        sensitiveRecordsPerActor: Type.Integer({ minimum: 1 }),
        exportRecordsPerHour: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
    levels: Type.Object({ P0: LevelConfig, P1: LevelConfig, P2: LevelConfig, P3: LevelConfig }, { additionalProperties: false }),
    metrics: Type.Record(Slug, MetricConfig),
    matrix: Type.Array(MatrixRow),
    probes: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Slug, url: Type.String({ pattern: '^https?://' }), every: Duration, timeout: Type.Optional(Duration) },
          { additionalProperties: false },
        ),
      ),
    ),
    funnels: Type.Optional(FunnelsConfig),
    // Sections validated by their own capability (alerting, on-call, notify).
    people: Type.Optional(Type.Unknown()),
    oncall: Type.Optional(Type.Unknown()),
    channels: Type.Optional(Type.Unknown()),
    escalation: Type.Optional(Type.Unknown()),
    silences: Type.Optional(Type.Unknown()),
    maintenance: Type.Optional(Type.Unknown()),
    alerting: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
