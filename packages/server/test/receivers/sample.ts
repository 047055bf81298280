/** Sample alert notices for channel tests: metric names, numbers and links only. */
import type { AlertNotice } from '../../src/notify/template/render.js';

export const T0 = Date.UTC(2025, 0, 15, 6, 3, 5); // 2025-01-15 14:03:05 Asia/Shanghai

export function sampleNotice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  const alertId = overrides.alertId ?? 'A7F3K2';
  return {
    kind: 'firing',
    alertId,
    level: 'P1',
    metric: { id: 'api_response_time', nameZh: 'API响应时间', nameEn: 'API response time' },
    severity: 'critical',
    value: 1234,
    threshold: 1000,
    unit: 'ms',
    direction: 'above',
    labels: { route: '/api/checkin' },
    startedAt: T0,
    ackWithinMs: 15 * 60_000,
    links: {
      console: `https://ops.mindguard.example/alerts/${alertId}`,
      ack: `https://ops.mindguard.example/ack/${alertId}?t=Zk9sQm1hY0FjS0xpbmtUb2tlbg`,
    },
    ...overrides,
  };
}
