/**
 * The Dify risk-identification workflow as the back end sees it over HTTP: a `fetch` that answers
 * `POST /v1/workflows/run` (blocking) with Dify's documented body, after a realistic model latency,
 * or with Dify's error body during a `dify-outage`. Passed to the real SDK's `createDifyClient`.
 */
import type { FetchLike } from '@mgops/sdk-node';
import type { Faults } from './scenarios.js';
import type { Rng } from './random.js';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export function difyFetch(faults: Faults, rng: Rng): FetchLike {
  let seq = 0;
  return async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.endsWith('/v1/workflows/run')) return json(404, { code: 'not_found', message: 'The requested URL was not found on the server.', status: 404 });
    if (faults.has('dify-outage')) {
      await new Promise((r) => setTimeout(r, 20 + rng() * 60));
      return json(503, { code: 'provider_not_initialize', message: 'Model provider is unavailable', status: 503 });
    }
    const ms = 60 + rng() * 160;
    await new Promise((r) => setTimeout(r, ms));
    const levels = ['none', 'low', 'medium', 'high'];
    const id = `run-${++seq}`;
    return json(200, {
      task_id: `task-${seq}`,
      workflow_run_id: id,
      data: { id, workflow_id: 'risk-identification', status: 'succeeded', outputs: { level: levels[Math.floor(rng() * 4)] }, error: null, elapsed_time: ms / 1000, total_tokens: 300 + Math.floor(rng() * 400), total_steps: 4, created_at: Math.floor(Date.now() / 1000), finished_at: Math.floor(Date.now() / 1000) },
    });
  };
}
