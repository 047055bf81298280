/** What the instrumentation modules need from the SDK instance. */
import type { EventInput } from '@mgops/sdk-core';

export interface Ctx {
  now(): number;
  emit(ev: EventInput): void;
  fault(e: unknown): void;
  crumb(c: string, m: string): void;
  /** an error thrown by an App/Page/Component method (re-thrown to the host after this) */
  methodError(e: unknown, method: string): void;
  pageShown(route: string): void;
  pageReady(route: string, loadAt: number): void;
  appShow(): void;
  appHide(): void;
  /** App onError / onUnhandledRejection, used only where wx.onError / wx.onUnhandledRejection are missing */
  appError(kind: 'error' | 'unhandledrejection', e: unknown): void;
  slowMs: number;
}
