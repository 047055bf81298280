/** Editing the on-call directory: a person's details, overrides, and the audit log of changes. */
import { useId, useState } from 'react';
import { api } from '../api';
import { Empty, Gate } from '../components/States';
import { fmtTime } from '../format';
import { useApi } from '../hooks';
import { useI18n } from '../i18n';
import { described, FieldError, useSave } from './fieldErrors';

export type Person = { id: string; name: string; roles: string[]; mobile: string | null; email: string | null };
type Done = (message: string) => void;

/**
 * Edit or add a person; contact points are masked, so a blank field keeps the current value. A bad
 * field is marked where it is, in the page's language (the API names it).
 */
export function PersonForm({ people, role, onDone }: { people: Person[]; role: string; onDone: Done }) {
  const { t } = useI18n();
  const { errors, busy, run } = useSave(role);
  const base = useId();
  const err = (slot: string) => described(errors, slot, `${base}-${slot}`);
  const [id, setId] = useState('');
  const current = people.find((p) => p.id === id);
  const [f, setF] = useState({ newId: '', name: '', roles: '', mobile: '', email: '' });
  const pick = (v: string) => {
    setId(v);
    const p = people.find((x) => x.id === v);
    setF({ newId: '', name: p?.name ?? '', roles: p?.roles.join(', ') ?? '', mobile: '', email: '' });
  };
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const body = () => ({
    name: f.name, roles: f.roles.split(',').map((r) => r.trim()).filter(Boolean),
    ...(f.mobile ? { mobile: f.mobile } : {}), ...(f.email ? { email: f.email } : {}),
  });
  const save = () => (current ? api(`/api/settings/people/${current.id}`, { method: 'PUT', body: body() }) : api('/api/settings/people', { method: 'POST', body: { id: f.newId, ...body() } }));
  return (
    <form className="row wrap" data-testid="person-form" noValidate onSubmit={(e) => { e.preventDefault(); run(save, () => onDone(t('saved'))); }}>
      <select value={id} onChange={(e) => pick(e.target.value)} aria-label={t('editPerson')}>
        <option value="">{t('newPerson')}</option>
        {people.map((p) => <option key={p.id} value={p.id}>{p.name} ({p.id})</option>)}
      </select>
      {!current && <input placeholder={t('personId')} value={f.newId} onChange={set('newId')} required {...err('id')} />}
      <FieldError errors={errors} slot="id" base={`${base}-id`} />
      <input placeholder={t('personName')} value={f.name} onChange={set('name')} required {...err('name')} />
      <FieldError errors={errors} slot="name" base={`${base}-name`} />
      <input placeholder={t('rolesComma')} value={f.roles} onChange={set('roles')} {...err('roles')} />
      <FieldError errors={errors} slot="roles" base={`${base}-roles`} />
      <input placeholder={`${t('mobile')} ${current?.mobile ?? ''}`} title={t('keepBlank')} value={f.mobile} onChange={set('mobile')} inputMode="tel" {...err('mobile')} />
      <FieldError errors={errors} slot="mobile" base={`${base}-mobile`} />
      <input placeholder={`${t('email')} ${current?.email ?? ''}`} title={t('keepBlank')} value={f.email} onChange={set('email')} type="email" {...err('email')} />
      <FieldError errors={errors} slot="email" base={`${base}-email`} />
      <button type="submit" disabled={busy}>{t('save')}</button>
      {current && <button type="button" disabled={busy} onClick={() => run(() => api(`/api/settings/people/${current.id}`, { method: 'DELETE' }), () => { pick(''); onDone(t('saved')); })}>{t('remove')}</button>}
      <FieldError errors={errors} slot="" base={`${base}-form`} />
    </form>
  );
}

/** Someone covers a rotation from … to … (Shanghai local times). */
export function OverrideForm({ rotation, people, role, onDone }: { rotation: string; people: Person[]; role: string; onDone: Done }) {
  const { t } = useI18n();
  const { errors, busy, run } = useSave(role);
  const base = useId();
  const err = (slot: string) => described(errors, slot, `${base}-${slot}`);
  const [f, setF] = useState({ person: people[0]?.id ?? '', start: '', end: '', note: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  return (
    <form className="row wrap" data-testid={`override-form-${rotation}`} noValidate onSubmit={(e) => {
      e.preventDefault();
      run(() => api(`/api/settings/oncall/${rotation}/overrides`, { method: 'POST', body: f }), () => onDone(t('saved')));
    }}>
      <select value={f.person} onChange={set('person')} aria-label={t('person')} {...err('person')}>{people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select>
      <FieldError errors={errors} slot="person" base={`${base}-person`} />
      <input type="datetime-local" aria-label={t('from')} value={f.start} onChange={set('start')} required {...err('start')} />
      <FieldError errors={errors} slot="start" base={`${base}-start`} />
      <input type="datetime-local" aria-label={t('to')} value={f.end} onChange={set('end')} required {...err('end')} />
      <FieldError errors={errors} slot="end" base={`${base}-end`} />
      <input placeholder={t('note')} value={f.note} onChange={set('note')} />
      <button type="submit" disabled={busy}>{t('addOverride')}</button>
      <FieldError errors={errors} slot="" base={`${base}-form`} />
    </form>
  );
}

type AuditEntry = { seq: number; at: number; actor: string; action: string; target: string; note?: string };

export function AuditCard() {
  const { t, lang } = useI18n();
  const audit = useApi<{ entries: AuditEntry[] }>('/api/audit?limit=30');
  return (
    <section className="card" data-testid="audit">
      <h2>{t('audit')}</h2>
      <Gate l={audit}>
        {(a) => a.entries.length === 0 ? <Empty>{t('noAudit')}</Empty> : (
          <ul className="plain">{a.entries.map((e) => <li key={e.seq}><span className="sub">{fmtTime(e.at, lang, true)}</span> <b>{e.actor}</b> {e.action} <code>{e.target}</code> {e.note ? <span className="sub">{e.note}</span> : null}</li>)}</ul>
        )}
      </Gate>
    </section>
  );
}
