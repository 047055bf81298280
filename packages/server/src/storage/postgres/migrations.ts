/** Versioned schema migrations for PostgreSQL; the same tables as SQLite, in one schema. */
export const PG_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'events, dedup, rollups, entities, keys',
    sql: `
      CREATE TABLE batches (
        seq BIGSERIAL PRIMARY KEY, received_at BIGINT NOT NULL, category TEXT NOT NULL, app TEXT NOT NULL,
        env TEXT NOT NULL, meta TEXT NOT NULL, events TEXT NOT NULL, n INTEGER NOT NULL
      );
      CREATE INDEX batches_by_time ON batches (category, received_at);
      CREATE TABLE event_ids (ts BIGINT NOT NULL, h BIGINT NOT NULL, PRIMARY KEY (ts, h));
      CREATE TABLE rollups (
        series TEXT NOT NULL, dim TEXT NOT NULL, minute BIGINT NOT NULL, val TEXT NOT NULL,
        n BIGINT NOT NULL, bad BIGINT NOT NULL, sum DOUBLE PRECISION NOT NULL, min DOUBLE PRECISION, max DOUBLE PRECISION, sketch TEXT,
        PRIMARY KEY (series, dim, minute, val)
      );
      CREATE TABLE sos (
        app TEXT NOT NULL, sos_id TEXT NOT NULL, triggered_at BIGINT, acknowledged_at BIGINT, answered_at BIGINT, by TEXT,
        PRIMARY KEY (app, sos_id)
      );
      CREATE TABLE risk_predictions (app TEXT NOT NULL, prediction_id TEXT NOT NULL, level TEXT NOT NULL, model TEXT, t BIGINT NOT NULL, PRIMARY KEY (app, prediction_id));
      CREATE TABLE risk_labels (app TEXT NOT NULL, prediction_id TEXT NOT NULL, level TEXT NOT NULL, t BIGINT NOT NULL, PRIMARY KEY (app, prediction_id));
      CREATE INDEX risk_labels_t ON risk_labels (t);
      CREATE TABLE users (app TEXT NOT NULL, uid TEXT NOT NULL, first_day INTEGER NOT NULL, PRIMARY KEY (app, uid));
      CREATE TABLE user_days (app TEXT NOT NULL, uid TEXT NOT NULL, day INTEGER NOT NULL, PRIMARY KEY (day, app, uid));
      CREATE TABLE ingest_keys (id TEXT PRIMARY KEY, app TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT, note TEXT);
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    // Sampled events count 1 / sampleRate (metrics/samples.ts weightOf), so a rollup's count and
    // failures are sums of weights, not whole numbers.
    version: 2,
    name: 'rollup counts are weighted (DOUBLE PRECISION)',
    sql: `ALTER TABLE rollups ALTER COLUMN n TYPE DOUBLE PRECISION, ALTER COLUMN bad TYPE DOUBLE PRECISION;`,
  },
];
