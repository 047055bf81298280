/**
 * Editing a rotation on the on-call page: its layers (name, members in turn order, start,
 * hand-off period, an optional weekly restriction) and swaps of two people's shifts. The API
 * validates; its field errors show next to the field, in the page's language.
 */
import { useId, useState } from 'react';
import { api, type Me } from '../api';
import { shanghaiInput } from '../format';
import { useI18n, type T } from '../i18n';
import type { Person } from './DirectoryForms';
import { described, FieldError, useSave, type FieldErrors } from './fieldErrors';

type Restriction = { days?: number[]; from?: string; to?: string };
export type RotCfg = {
  id: string;
  role: string;
  layers: { name: string; members: string[]; start: string; handoff: string; restriction?: Restriction }[];
  overrides: { id: string | null; person: string; start: string; end: string; note: string }[];
};
/** A shift as the page computed it from /api/oncall. */
export type Shift = { person: string | null; name: string; from: number; until: number | null };
type Done = (message: string) => void;
type LayerDraft = { name: string; members: string[]; start: string; handoff: string; days: number[]; from: string; to: string };

/** "周一、周三 08:00–20:00" / "Mon, Wed 08:00–20:00", or '' for a layer on call around the clock. */
export function restrictionText(r: Restriction | undefined, t: T): string {
  if (!r) return '';
  const names = t('weekdays').split(',');
  const days = (r.days ?? []).map((d) => names[d - 1] ?? String(d)).join(', ');
  const hours = r.from || r.to ? `${r.from ?? '00:00'}–${r.to ?? '24:00'}` : '';
  return [days, hours].filter(Boolean).join(' ');
}

const draft = (l: RotCfg['layers'][number]): LayerDraft => ({
  name: l.name, members: [...l.members], start: l.start, handoff: l.handoff,
  days: l.restriction?.days ?? [], from: l.restriction?.from ?? '', to: l.restriction?.to ?? '',
});

function layerBody(l: LayerDraft) {
  const r: Restriction = { ...(l.days.length ? { days: [...l.days].sort() } : {}), ...(l.from ? { from: l.from } : {}), ...(l.to ? { to: l.to } : {}) };
  return { name: l.name, members: l.members, start: l.start, handoff: l.handoff, ...(Object.keys(r).length ? { restriction: r } : {}) };
}

const move = <X,>(xs: X[], i: number, j: number): X[] => {
  const out = [...xs];
  const [x] = out.splice(i, 1);
  if (x !== undefined) out.splice(j, 0, x);
  return out;
};

/** The form of one rotation: its layers, saved with PUT /api/settings/oncall/:id. */
export function RotationForm({ rotation, people, me, onDone }: { rotation: RotCfg; people: Person[]; me: Me; onDone: Done }) {
  const { t } = useI18n();
  const [layers, setLayers] = useState<LayerDraft[]>(rotation.layers.map(draft));
  const { errors, busy, run } = useSave(me.role);
  const base = useId();
  const put = (i: number, patch: Partial<LayerDraft>) => setLayers(layers.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  const save = () => run(() => api(`/api/settings/oncall/${rotation.id}`, { method: 'PUT', body: { role: rotation.role, layers: layers.map(layerBody) } }), () => onDone(t('saved')));
  const fresh: LayerDraft = { name: `layer-${layers.length + 1}`, members: [], start: shanghaiInput(Date.now()).slice(0, 11) + '10:00', handoff: '7d', days: [], from: '', to: '' };
  return (
    <form className="edit-form" data-testid={`rotation-form-${rotation.id}`} noValidate onSubmit={(e) => { e.preventDefault(); save(); }}>
      {layers.map((l, i) => (
        <LayerFields key={i} index={i} layer={l} people={people} errors={errors} base={`${base}-${i}`} onChange={(p) => put(i, p)}
          onRemove={layers.length > 1 ? () => setLayers(layers.filter((_x, k) => k !== i)) : undefined} />
      ))}
      <FieldError errors={errors} slot="layers" base={`${base}-layers`} />
      <div className="actions">
        <button type="button" onClick={() => setLayers([...layers, fresh])}>{t('addLayer')}</button>
        <button type="submit" className="primary" disabled={busy}>{t('save')}</button>
        <FieldError errors={errors} slot="" base={`${base}-form`} />
      </div>
    </form>
  );
}

function LayerFields({ index, layer: l, people, errors, base, onChange, onRemove }: {
  index: number; layer: LayerDraft; people: Person[]; errors: FieldErrors; base: string; onChange: (p: Partial<LayerDraft>) => void; onRemove?: () => void;
}) {
  const { t } = useI18n();
  const slot = (k: string) => `layers.${index}.${k}`;
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? id;
  const free = people.filter((p) => !l.members.includes(p.id));
  const [pick, setPick] = useState('');
  const chosen = free.some((p) => p.id === pick) ? pick : free[0]?.id ?? '';
  const days = t('weekdays').split(',');
  return (
    <fieldset className="layer" data-testid={`layer-${index}`}>
      <legend>{l.name || `#${index + 1}`}</legend>
      <label className="field">
        <span>{t('layerName')}</span>
        <input value={l.name} onChange={(e) => onChange({ name: e.target.value })} {...described(errors, slot('name'), `${base}-name`)} />
        <FieldError errors={errors} slot={slot('name')} base={`${base}-name`} />
      </label>
      <div className="field" role="group" aria-labelledby={`${base}-members-label`} {...described(errors, slot('members'), `${base}-members`)}>
        <span id={`${base}-members-label`}>{t('members')}</span>
        <ol className="members" data-testid="members">
          {l.members.map((m, k) => (
            <li key={m} data-member={m}>
              <span className="who">{nameOf(m)}</span>
              <button type="button" className="link" aria-label={t('moveUp', { name: nameOf(m) })} disabled={k === 0} onClick={() => onChange({ members: move(l.members, k, k - 1) })}>↑</button>
              <button type="button" className="link" aria-label={t('moveDown', { name: nameOf(m) })} disabled={k === l.members.length - 1} onClick={() => onChange({ members: move(l.members, k, k + 1) })}>↓</button>
              <button type="button" className="link" aria-label={t('removeMember', { name: nameOf(m) })} onClick={() => onChange({ members: l.members.filter((x) => x !== m) })}>✕</button>
            </li>
          ))}
        </ol>
        {free.length > 0 && (
          <span className="pick">
            <select value={chosen} onChange={(e) => setPick(e.target.value)} aria-label={t('addMember')}>
              {free.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
            <button type="button" onClick={() => chosen && onChange({ members: [...l.members, chosen] })}>{t('add')}</button>
          </span>
        )}
        <FieldError errors={errors} slot={slot('members')} base={`${base}-members`} />
      </div>
      <div className="row wrap">
        <label className="field">
          <span>{t('start')}</span>
          <input type="datetime-local" value={l.start} onChange={(e) => onChange({ start: e.target.value })} {...described(errors, slot('start'), `${base}-start`)} />
          <FieldError errors={errors} slot={slot('start')} base={`${base}-start`} />
        </label>
        <label className="field">
          <span>{t('handoff')}</span>
          <input value={l.handoff} list={`${base}-handoffs`} placeholder={t('handoffHint')} title={t('handoffHint')} onChange={(e) => onChange({ handoff: e.target.value })} {...described(errors, slot('handoff'), `${base}-handoff`)} />
          <datalist id={`${base}-handoffs`}>{['12h', '1d', '7d', '14d'].map((d) => <option key={d} value={d} />)}</datalist>
          <FieldError errors={errors} slot={slot('handoff')} base={`${base}-handoff`} />
        </label>
      </div>
      <fieldset className="days" {...described(errors, slot('restriction'), `${base}-restriction`)}>
        <legend>{t('restriction')}</legend>
        {days.map((d, k) => (
          <label key={d} className="check">
            <input type="checkbox" checked={l.days.includes(k + 1)} onChange={(e) => onChange({ days: e.target.checked ? [...l.days, k + 1] : l.days.filter((x) => x !== k + 1) })} /> {d}
          </label>
        ))}
        <label className="check">{t('dailyFrom')} <input className="hhmm" value={l.from} placeholder="08:00" inputMode="numeric" onChange={(e) => onChange({ from: e.target.value })} /></label>
        <label className="check">{t('dailyTo')} <input className="hhmm" value={l.to} placeholder="20:00" inputMode="numeric" onChange={(e) => onChange({ to: e.target.value })} /></label>
        <FieldError errors={errors} slot={slot('restriction')} base={`${base}-restriction`} />
      </fieldset>
      {onRemove && <button type="button" className="link" onClick={onRemove}>{t('removeLayer')}</button>}
    </fieldset>
  );
}

/** A swap: A covers B's shift and B covers A's (POST /api/settings/oncall/:id/swaps). */
export function SwapForm({ rotation, people, shifts, me, onDone }: { rotation: RotCfg; people: Person[]; shifts: Shift[]; me: Me; onDone: Done }) {
  const { t } = useI18n();
  const base = useId();
  const first = rotation.layers[0]?.members ?? [];
  const shiftOf = (person: string) => {
    const s = shifts.find((x) => x.person === person && x.until !== null);
    return s && s.until !== null ? { start: shanghaiInput(s.from), end: shanghaiInput(s.until) } : { start: '', end: '' };
  };
  const side = (person: string) => ({ person, ...shiftOf(person) });
  const [f, setF] = useState({ a: side(first[0] ?? people[0]?.id ?? ''), b: side(first[1] ?? people[1]?.id ?? '') });
  const { errors, run } = useSave(me.role);
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? id;
  const submit = () => run(() => api(`/api/settings/oncall/${rotation.id}/swaps`, { method: 'POST', body: f }), () => onDone(t('swapped')));
  return (
    <form className="edit-form" data-testid={`swap-form-${rotation.id}`} noValidate onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <p className="sub">{t('swapHint', { a: nameOf(f.a.person), b: nameOf(f.b.person) })}</p>
      {(['a', 'b'] as const).map((k) => {
        const x = k.toUpperCase();
        const set = (patch: Partial<typeof f.a>) => setF({ ...f, [k]: { ...f[k], ...patch } });
        return (
          <div key={k} className="row wrap">
            <label className="field">
              <span>{t('swapPerson', { x })}</span>
              <select value={f[k].person} onChange={(e) => set(side(e.target.value))} {...described(errors, `${k}.person`, `${base}-${k}-person`)}>
                {people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
              <FieldError errors={errors} slot={`${k}.person`} base={`${base}-${k}-person`} />
            </label>
            {(['start', 'end'] as const).map((w) => (
              <label key={w} className="field">
                <span>{t(w === 'start' ? 'shiftFrom' : 'shiftTo', { x })}</span>
                <input type="datetime-local" value={f[k][w]} onChange={(e) => set({ [w]: e.target.value })} {...described(errors, `${k}.${w}`, `${base}-${k}-${w}`)} />
                <FieldError errors={errors} slot={`${k}.${w}`} base={`${base}-${k}-${w}`} />
              </label>
            ))}
          </div>
        );
      })}
      <div className="actions">
        <button type="submit" className="primary">{t('swap')}</button>
        <FieldError errors={errors} slot="" base={`${base}-form`} />
      </div>
    </form>
  );
}
