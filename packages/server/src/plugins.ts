/**
 * Capabilities that plug into the platform at start (rules and alerting, dashboard, demo). Each
 * adds itself here; `app.ts` stays a pure wiring of the foundation.
 */
import type { PlatformPlugin } from './app.js';
import { dashboardPlugin } from './dashboard/plugin.js';
import { alertingPlugin } from './alerting/plugin.js';

export async function extraPlugins(opts: { demo: boolean; auth?: 'on' | 'off' }): Promise<PlatformPlugin[]> {
  const plugins: PlatformPlugin[] = [alertingPlugin(), dashboardPlugin({ mode: opts.auth ?? 'on' })];
  if (opts.demo) {
    plugins.push((p) => p.logger.warn('demo mode is not available in this build yet; starting without simulated traffic'));
  }
  return plugins;
}
