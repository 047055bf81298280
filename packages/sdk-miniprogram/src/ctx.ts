/** What the instrumentation modules need from the SDK instance. */
import type { EventInput } from '@mgops/sdk-core';

export interface Ctx {
  now_(): number;
  emit_(ev: EventInput): void;
  fault_(e: unknown): void;
  crumb_(c: string, m: string): void;
  /** an error thrown by an App/Page/Component method (re-thrown to the host after this) */
  methodError_(e: unknown, method: string): void;
  /** a page is loading: what happens in its onLoad belongs to it */
  pageLoad_(route: string): void;
  pageShown_(route: string): void;
  pageReady_(route: string, loadAt: number): void;
  appShow_(): void;
  appHide_(): void;
  /** App onError / onUnhandledRejection, used only where wx.onError / wx.onUnhandledRejection are missing */
  appError_(kind: 'error' | 'unhandledrejection', e: unknown): void;
  slowMs_: number;
}
