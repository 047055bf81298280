/** The platform's own metrics, in Prometheus exposition at /metrics. One registry per app instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createTelemetry() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mgops_process_' });
  const events = new Counter({ name: 'mgops_ingest_events_total', help: 'Events received, by result', labelNames: ['result'] as const, registers: [registry] });
  const rejects = new Counter({ name: 'mgops_ingest_rejects_total', help: 'Rejected requests or events, by reason', labelNames: ['reason'] as const, registers: [registry] });
  const requests = new Counter({ name: 'mgops_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'] as const, registers: [registry] });
  const writeLatency = new Histogram({
    name: 'mgops_storage_commit_seconds', help: 'Duration of an ingest commit transaction', registers: [registry],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  const committed = new Counter({ name: 'mgops_storage_committed_events_total', help: 'Events written by commits', registers: [registry] });
  const queueDepth = new Gauge({ name: 'mgops_ingest_queue_events', help: 'Events accepted and waiting for commit', registers: [registry] });
  const masked = new Counter({ name: 'mgops_privacy_masked_total', help: 'Personal data values masked at ingestion, by kind', labelNames: ['kind'] as const, registers: [registry] });
  const rollupCells = new Gauge({ name: 'mgops_rollup_buffer_cells', help: 'Unflushed rollup cells', registers: [registry] });
  return { registry, events, rejects, requests, writeLatency, committed, queueDepth, masked, rollupCells };
}

export type Telemetry = ReturnType<typeof createTelemetry>;
