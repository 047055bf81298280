/**
 * @mgops/sdk-miniprogram — MindGuard Ops SDK for WeChat mini-programs.
 *
 *   // app.js
 *   const { mg } = require('@mgops/sdk-miniprogram');
 *   mg.init({ endpoint: 'https://ops.example.com', key: '<ingest key>', release: '1.4.0' });
 *   App({ ... });               // or App(mg.app({ ... })) where App/Page/wx are not writable
 */
import type { ClientStats } from '@mgops/sdk-core';
import { createSdk, findHost, rawApi, VERSION, type SdkApi } from './sdk.js';
import { APIS } from './network.js';
import type { AnyFn, Dict, FeatureDecl, MgOptions, TrackProps } from './types.js';

export type { FeatureDecl, MgOptions, PropDecl, PropsOf, TrackProps, Host, Wx } from './types.js';
export type { ClientStats, DropReason, MgEvent } from '@mgops/sdk-core';

export interface Mg<F extends FeatureDecl = FeatureDecl> {
  readonly version: string;
  /** Starts the SDK (once); returns the same object typed with your declared features. */
  init<const G extends FeatureDecl>(options: MgOptions<G>): Mg<G>;
  /** Explicit, plugin-safe wrappers: `App(mg.app({...}))`, `Page(mg.page({...}))`, `Component(mg.component({...}))`. */
  app<T extends object>(options: T): T;
  page<T extends object>(options: T): T;
  component<T extends object>(options: T): T;
  /** Instrumented wx.request / uploadFile / downloadFile / cloud.callFunction / cloud.callContainer. */
  request(options: Dict): unknown;
  uploadFile(options: Dict): unknown;
  downloadFile(options: Dict): unknown;
  callFunction(options: Dict): unknown;
  callContainer(options: Dict): unknown;
  /** A feature used; props are numbers, booleans or values of a declared enum — never free text. */
  track<K extends string>(feature: K, props?: TrackProps<F, K>): void;
  captureError(error: unknown): void;
  checkin: { attempt(): void; success(): void; failure(reason?: string): void };
  /** The SOS button was pressed; `sosId` is the id the server issued. Sent at once. */
  sos(sosId: string): void;
  /** A step of a funnel (flows and their steps are configured on the platform). */
  funnel(name: string, step: string): void;
  /** A pseudonymous user id (8–128 of [A-Za-z0-9_.:-], no phone/openid/e-mail); false when refused. */
  setUser(id: string | undefined): boolean;
  breadcrumb(category: string, message: string): void;
  /** With `requireConsent`: nothing is sent before `setConsent(true)`. */
  setConsent(granted: boolean): void;
  /** Per-user opt-out, persisted: drops everything queued and captures nothing more. */
  optOut(): void;
  optIn(): void;
  isOptedOut(): boolean;
  /** Sends what is queued within the time budget; true when all was delivered. */
  flush(timeoutMs?: number): Promise<boolean>;
  stats(): (ClientStats & { explicitOnly: boolean }) | undefined;
  /** Restores App/Page/Component/wx, removes listeners, flushes (≤ 2 s). */
  destroy(): Promise<void>;
}

const noop = (): void => undefined;
const same = <T>(o: T): T => o;
/** Before init (and after destroy): wrappers pass through, calls go to wx unchanged. */
const idle = { app: same, page: same, component: same, setUser: () => false, isOptedOut: () => false, stats: noop } as unknown as SdkApi;
for (const k of 'track captureError sos funnel breadcrumb setConsent optOut optIn'.split(' ')) (idle as unknown as Dict)[k] = noop;
for (const api of APIS)
  idle[api] = (opts: Dict) => {
    const [f, target] = rawApi(findHost().wx, api);
    return (f as AnyFn).call(target, opts);
  };
idle.checkin = { attempt: noop, success: noop, failure: noop };
idle.flush = () => Promise.resolve(false);
idle.destroy = () => Promise.resolve();

let running = false;

export const mg: Mg = Object.assign(
  {
    version: VERSION,
    init<const G extends FeatureDecl>(options: MgOptions<G>): Mg<G> {
      if (!running) {
        try {
          Object.assign(mg, createSdk(options as MgOptions, () => void ((running = false), Object.assign(mg, idle))));
          running = true;
        } catch (e) {
          if (options && options.debug) console.warn('mgops: init failed', e);
        }
      }
      return mg as unknown as Mg<G>;
    },
  },
  idle,
);

export default mg;
