/** Versioned schema migrations; each runs once, in order, inside a transaction. */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'events, dedup, rollups, entities, keys',
    sql: `
      CREATE TABLE batches (
        seq INTEGER PRIMARY KEY,
        received_at INTEGER NOT NULL,
        category TEXT NOT NULL,
        app TEXT NOT NULL,
        env TEXT NOT NULL,
        meta TEXT NOT NULL,
        events TEXT NOT NULL,
        n INTEGER NOT NULL
      );
      CREATE INDEX batches_by_time ON batches (category, received_at);
      CREATE TABLE event_ids (ts INTEGER NOT NULL, h INTEGER NOT NULL, PRIMARY KEY (ts, h)) WITHOUT ROWID;
      CREATE TABLE rollups (
        series TEXT NOT NULL, dim TEXT NOT NULL, minute INTEGER NOT NULL, val TEXT NOT NULL,
        n INTEGER NOT NULL, bad INTEGER NOT NULL, sum REAL NOT NULL, min REAL, max REAL, sketch TEXT,
        PRIMARY KEY (series, dim, minute, val)
      ) WITHOUT ROWID;
      CREATE TABLE sos (
        app TEXT NOT NULL, sos_id TEXT NOT NULL, triggered_at INTEGER, acknowledged_at INTEGER,
        answered_at INTEGER, by TEXT, PRIMARY KEY (app, sos_id)
      );
      CREATE INDEX sos_open ON sos (answered_at);
      CREATE TABLE risk_predictions (app TEXT NOT NULL, prediction_id TEXT NOT NULL, level TEXT NOT NULL, model TEXT, t INTEGER NOT NULL, PRIMARY KEY (app, prediction_id));
      CREATE TABLE risk_labels (app TEXT NOT NULL, prediction_id TEXT NOT NULL, level TEXT NOT NULL, t INTEGER NOT NULL, PRIMARY KEY (app, prediction_id));
      CREATE INDEX risk_labels_t ON risk_labels (t);
      CREATE TABLE users (app TEXT NOT NULL, uid TEXT NOT NULL, first_day INTEGER NOT NULL, PRIMARY KEY (app, uid));
      CREATE TABLE user_days (app TEXT NOT NULL, uid TEXT NOT NULL, day INTEGER NOT NULL, PRIMARY KEY (day, app, uid)) WITHOUT ROWID;
      CREATE TABLE ingest_keys (id TEXT PRIMARY KEY, app TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER, note TEXT);
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    // Sampled events count 1 / sampleRate (metrics/samples.ts weightOf), so a rollup's count and
    // failures are sums of weights, not whole numbers. SQLite cannot change a column's type:
    // the table is rebuilt with the same rows.
    version: 2,
    name: 'rollup counts are weighted (REAL)',
    sql: `
      CREATE TABLE rollups_weighted (
        series TEXT NOT NULL, dim TEXT NOT NULL, minute INTEGER NOT NULL, val TEXT NOT NULL,
        n REAL NOT NULL, bad REAL NOT NULL, sum REAL NOT NULL, min REAL, max REAL, sketch TEXT,
        PRIMARY KEY (series, dim, minute, val)
      ) WITHOUT ROWID;
      INSERT INTO rollups_weighted (series, dim, minute, val, n, bad, sum, min, max, sketch)
        SELECT series, dim, minute, val, n, bad, sum, min, max, sketch FROM rollups;
      DROP TABLE rollups;
      ALTER TABLE rollups_weighted RENAME TO rollups;
    `,
  },
];
