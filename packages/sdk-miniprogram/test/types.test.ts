/**
 * The hand-written types shipped in dist/index.d.ts (types/index.d.ts, self-contained) stay in
 * step with the source. Checked by `npm run typecheck` (this file is in tsconfig's include): each
 * `Equal<…>` below must be `true`, so any drift — a member added, removed, renamed, made optional
 * or typed differently on either side — fails the type check with the name of what drifted.
 * The `@ts-expect-error` lines fail the check if free text stops being rejected by `track()`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as D from '../types/index.js';
import type * as Core from '@mgops/sdk-core';
import * as S from '../src/index.js';

/** Exact type equality (not mere assignability): true only for identical types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Each member's type compared one by one, so an error names the member that drifted. */
type Members<A, B> = { [K in keyof A | keyof B]: K extends keyof A ? (K extends keyof B ? Equal<A[K], B[K]> : 'missing in the source') : 'missing in the declaration' };
type AllTrue<T> = Equal<T[keyof T], true>;

type SourceMg = S.Mg;
type DeclaredMg = D.Mg;
// every member of mg, and the options: same names, same optionality, same types
type MgMembers = Members<Omit<DeclaredMg, 'init' | 'stats'>, Omit<SourceMg, 'init' | 'stats'>>;
const mgAll: AllTrue<MgMembers> = true;
const mgKeys: Equal<keyof DeclaredMg, keyof SourceMg> = true;
// the options, but beforeSend (the source types the event with the protocol's full MgEvent union)
type Opts<O> = Omit<O, 'beforeSend' | 'global' | 'sampling' | 'queue' | 'retry' | 'compress' | 'clock'>;
type OptionMembers = Members<Opts<D.MgOptions>, Opts<S.MgOptions>>;
const optionsAll: AllTrue<OptionMembers> = true;
const optionKeys: Equal<keyof D.MgOptions, keyof S.MgOptions> = true;
// the option types taken from the core, compared to their declared copies
const queueOpt: Equal<Required<D.MgOptions>['queue'], Required<Core.ClientOptions>['queue']> = true;
const retryOpt: Equal<Required<D.MgOptions>['retry'], Required<Core.ClientOptions>['retry']> = true;
const samplingOpt: Equal<Required<D.MgOptions>['sampling'], Required<Core.ClientOptions>['sampling']> = true;
const compressOpt: Equal<Required<D.MgOptions>['compress'], Core.Compressor> = true;
type ClockMembers = Members<D.Clock, Core.Clock>;
const clockOpt: AllTrue<ClockMembers> = true;
// what stats() returns and what it counts
type StatsMembers = Members<D.ClientStats, S.ClientStats>;
const statsAll: AllTrue<StatsMembers> = true;
const statsType: Equal<ReturnType<DeclaredMg['stats']>, ReturnType<SourceMg['stats']>> = true;
const drops: Equal<D.DropReason, S.DropReason> = true;
const eventTypes: Equal<D.EventType, Core.EventType> = true;
// the track() typing
const propDecl: Equal<D.PropDecl, S.PropDecl> = true;
const featureDecl: Equal<D.FeatureDecl, S.FeatureDecl> = true;
type Mood = { mood: { level: readonly ['low', 'high']; score: 'number'; calm: 'boolean' } };
const trackDeclared: Equal<D.TrackProps<Mood, 'mood'>, S.TrackProps<Mood, 'mood'>> = true;
const trackUndeclared: Equal<D.TrackProps<Mood, 'other'>, S.TrackProps<Mood, 'other'>> = true;
const trackAny: Equal<D.TrackProps<D.FeatureDecl, 'x'>, S.TrackProps<S.FeatureDecl, 'x'>> = true;

// free text is refused by the types, in the source and in the declaration alike
function freeTextRefused(declared: D.Mg<Mood>, source: S.Mg<Mood>): void {
  declared.track('mood', { level: 'low', score: 3, calm: true });
  source.track('mood', { level: 'high', score: 1 });
  // @ts-expect-error a value outside the declared enum
  declared.track('mood', { level: 'my diary text' });
  // @ts-expect-error a value outside the declared enum
  source.track('mood', { level: 'my diary text' });
  // @ts-expect-error free text in an undeclared feature
  declared.track('other', { note: 'free text' });
  // @ts-expect-error free text in an undeclared feature
  source.track('other', { note: 'free text' });
  // @ts-expect-error free text without any declaration
  (declared as D.Mg).track('x', { note: 'free text' });
  // @ts-expect-error free text without any declaration
  (source as S.Mg).track('x', { note: 'free text' });
}

test('declared types match the source (checked by tsc), and the bundle exports what they declare', () => {
  const checks = [mgAll, mgKeys, optionsAll, optionKeys, queueOpt, retryOpt, samplingOpt, compressOpt, clockOpt, statsAll, statsType, drops, eventTypes];
  const trackChecks = [propDecl, featureDecl, trackDeclared, trackUndeclared, trackAny];
  assert.ok(checks.concat(trackChecks).every((c) => c === true));
  assert.equal(typeof freeTextRefused, 'function');
  // the runtime exports named by the declaration
  const declared: Omit<D.Mg, 'init'> = S.mg;
  assert.equal(declared.version, S.mg.version);
  assert.equal(S.default, S.mg);
  const opts: D.MgOptions = { endpoint: 'https://ops.example.com', key: 'k', features: { mood: { level: ['low', 'high'] } } };
  const sourceOpts: S.MgOptions = opts as S.MgOptions;
  assert.equal(sourceOpts.endpoint, 'https://ops.example.com');
});
