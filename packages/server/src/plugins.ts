/**
 * Capabilities that plug into the platform at start (rules and alerting, dashboard, demo). Each
 * adds itself here; `app.ts` stays a pure wiring of the foundation.
 */
import type { PlatformPlugin } from './app.js';
import { dashboardPlugin } from './dashboard/plugin.js';
import { alertingPlugin } from './alerting/plugin.js';
import { demoPlugins } from './demo/plugin.js';

export async function extraPlugins(opts: { demo: boolean; auth?: 'on' | 'off' }): Promise<PlatformPlugin[]> {
  // demo: stand-in receivers and their channels must be in place before alerting reads them
  const demo = opts.demo ? demoPlugins() : undefined;
  const plugins: PlatformPlugin[] = [...(demo ? [demo.before] : []), alertingPlugin(), dashboardPlugin({ mode: opts.auth ?? 'on' })];
  if (demo) plugins.push(demo.after);
  return plugins;
}
