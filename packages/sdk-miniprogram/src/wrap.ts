/**
 * Replacing a function held by an object (the global scope's App/Page/Component, a wx API) with
 * a wrapper: an accessor property first (so a later assignment is wrapped too), a plain assignment
 * as the fallback, and a check that it took — with plugins declared, wx/App/Page may be frozen, and
 * then the app uses the explicit wrappers. `restore()` puts the original descriptor back.
 */
import type { AnyFn } from './types.js';

export type Restore = () => void;

export function replace(obj: object | undefined, key: string, make: (orig: AnyFn) => AnyFn): Restore | null {
  if (!obj) return null;
  const o = obj as Record<string, unknown>;
  const orig = o[key];
  if (typeof orig !== 'function') return null;
  const desc = Object.getOwnPropertyDescriptor(o, key);
  let wrapped: unknown = make(orig as AnyFn);
  try {
    Object.defineProperty(o, key, {
      configurable: true,
      enumerable: desc ? desc.enumerable : true,
      get: () => wrapped,
      set: (v: unknown) => void (wrapped = typeof v === 'function' ? make(v as AnyFn) : v),
    });
  } catch {
    try {
      o[key] = wrapped;
    } catch {
      // frozen: checked below
    }
  }
  if (o[key] !== wrapped) return null;
  return () => {
    try {
      if (desc) Object.defineProperty(o, key, desc);
      else delete o[key];
    } catch {
      try {
        o[key] = orig;
      } catch {
        // nothing more can be done
      }
    }
  };
}
