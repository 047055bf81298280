/**
 * The dashboard capability: authentication in front of the dashboard APIs, the SOS and settings
 * APIs, live updates (SSE) and the built single-page app, all on the server's own port.
 * Add `dashboardPlugin()` to the platform's plugins (see plugins.ts).
 */
import type { PlatformPlugin } from '../app.js';
import { installAuth, type AuthOptions } from '../auth/plugin.js';
import { registerLive } from './live.js';
import { registerDashboardApi } from './routes.js';
import { DEFAULT_DIST, registerStatic } from './static.js';

export type DashboardOptions = AuthOptions & { distDir?: string; liveEveryMs?: number };

export function dashboardPlugin(o: DashboardOptions = {}): PlatformPlugin {
  return async (p) => {
    const live = registerLive(p.app, { everyMs: o.liveEveryMs ?? 2000 });
    const auth = await installAuth(p, { ...o, internalSecret: live.secret });
    live.setAuthorize(async (req) => (await auth.principalOf(req)) !== null);
    registerDashboardApi(p.app, p);
    const files = registerStatic(p.app, o.distDir ?? DEFAULT_DIST);
    if (files === 0) p.logger.warn({ dir: o.distDir ?? DEFAULT_DIST }, 'dashboard not built: run npm install or npm run build -w @mgops/web');
    p.onClose(() => live.stop());
  };
}
