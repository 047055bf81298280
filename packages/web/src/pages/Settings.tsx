/** Settings: people and contact points (editable), channels (test message), silences, the audit log, ingest keys, accounts. */
import { useState } from 'react';
import { api, HttpError, type Me } from '../api';
import { Empty, Gate } from '../components/States';
import { fmtTime } from '../format';
import { useApi } from '../hooks';
import { useI18n, roleName } from '../i18n';
import { AuditCard, PersonForm, type Person } from './DirectoryForms';

type Channel = { type: string; configured: boolean; targets: string[] };
type Silence = { id: string; matcher: Record<string, unknown>; startsAt: number; endsAt: number; createdBy: string; comment: string };
type Key = { id: string; app: string; prefix: string; createdAt: number; revokedAt: number | null; note: string | null };
type User = { name: string; role: string; createdAt: number };

export default function Settings({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const people = useApi<{ people: Person[] }>('/api/settings/people');
  const channels = useApi<{ channels: Channel[] }>('/api/settings/channels');
  const silences = useApi<Silence[]>('/api/silences');
  const keys = useApi<{ keys: Key[] }>('/api/settings/keys');
  const users = useApi<{ users: User[] }>(me.permissions.includes('users:edit') ? '/api/settings/users' : null);
  const [note, setNote] = useState<string | null>(null);
  const may = (p: string) => me.permissions.includes(p);
  const run = async (f: () => Promise<string | null>) => {
    try {
      setNote(await f());
    } catch (e) {
      setNote(e instanceof HttpError && e.status === 403 ? t('forbidden', { role: roleName(me.role, lang) }) : t('testFailed', { msg: (e as Error).message }));
    }
  };
  const ro = (p: string) => !may(p) && <p className="sub readonly">{t('readOnly')}</p>;
  return (
    <div className="grid2">
      {note && <p className="note wide" role="status" data-testid="settings-note">{note}</p>}
      <section className="card" data-testid="channels">
        <h2>{t('channels')}</h2>
        {ro('channels:edit')}
        <Gate l={channels}>
          {(c) => (
            <table className="list">
              <tbody>
                {c.channels.map((ch) => (
                  <tr key={ch.type}>
                    <td><b>{ch.type}</b></td>
                    <td className="sub">{ch.configured ? `${t('configured')}: ${ch.targets.join(', ')}` : t('notConfigured')}</td>
                    <td>
                      <button data-testid={`test-${ch.type}`} disabled={!may('channels:edit')} onClick={() => run(async () => {
                        const r = await api<{ ok: boolean; message?: string }>(`/api/settings/channels/${ch.type}/test`, { method: 'POST', body: {} });
                        return r.ok ? t('testSent') : t('testFailed', { msg: r.message ?? '' });
                      })}>{t('sendTest')}</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Gate>
      </section>
      <section className="card">
        <h2>{t('people')}</h2>
        <p className="sub">{t('peopleHint')}</p>
        <Gate l={people}>
          {(p) => (
            <>
              {p.people.length === 0 ? <Empty>{t('noPeople')}</Empty> : (
                <table className="list"><tbody>
                  {p.people.map((x) => <tr key={x.id}><td><b>{x.name}</b> <span className="sub">{x.id}</span></td><td className="sub">{x.roles.map((r) => roleName(r, lang)).join(', ')}</td><td className="sub">{[x.mobile, x.email].filter(Boolean).join(' · ')}</td></tr>)}
                </tbody></table>
              )}
              {may('people:edit') && <PersonForm people={p.people} role={me.role} onDone={(m) => { setNote(m); people.reload(); }} />}
            </>
          )}
        </Gate>
      </section>
      <section className="card">
        <h2>{t('silences')}</h2>
        <Gate l={silences}>
          {(s) => s.length === 0 ? <Empty>{t('noSilences')}</Empty> : (
            <ul className="plain">{s.map((x) => <li key={x.id}><code>{JSON.stringify(x.matcher)}</code> <span className="sub">{fmtTime(x.startsAt, lang, true)} → {fmtTime(x.endsAt, lang, true)} · {x.createdBy} {x.endsAt < Date.now() ? `(${t('ended')})` : ''}</span>{x.endsAt > Date.now() && may('silences:edit') && <> <button className="link" onClick={() => run(async () => { await api(`/api/silences/${x.id}`, { method: 'DELETE' }); silences.reload(); return null; })}>{t('expire')}</button></>}</li>)}</ul>
          )}
        </Gate>
      </section>
      <AuditCard />
      <section className="card">
        <h2>{t('ingestKeys')}</h2>
        {ro('keys:edit')}
        <Gate l={keys}>
          {(k) => (
            <>
              <table className="list"><tbody>
                {k.keys.map((x) => (
                  <tr key={x.id}><td><code>{x.prefix}…</code></td><td className="sub">{x.app} · {fmtTime(x.createdAt, lang, true)} {x.note ?? ''}</td>
                    <td>{x.revokedAt ? <span className="sub">{t('revoke')} ✓</span> : <button disabled={!may('keys:edit')} onClick={() => run(async () => { await api(`/api/settings/keys/${x.id}/revoke`, { method: 'POST', body: {} }); keys.reload(); return null; })}>{t('revoke')}</button>}</td></tr>
                ))}
              </tbody></table>
              <button disabled={!may('keys:edit')} onClick={() => run(async () => { const r = await api<{ key: string }>('/api/settings/keys', { method: 'POST', body: { app: 'mindguard', note: 'dashboard' } }); keys.reload(); return `${t('keyShownOnce')} ${r.key}`; })}>{t('createKey')}</button>
            </>
          )}
        </Gate>
      </section>
      <PasswordCard onDone={setNote} />
      {may('users:edit') && (
        <section className="card">
          <h2>{t('users')}</h2>
          <Gate l={users}>
            {(u) => <ul className="plain">{u.users.map((x) => <li key={x.name}><b>{x.name}</b> <span className="sub">{roleName(x.role, lang)} · {fmtTime(x.createdAt, lang, true)}</span></li>)}</ul>}
          </Gate>
          <NewUser onDone={(m) => { setNote(m); users.reload(); }} />
        </section>
      )}
    </div>
  );
}

function PasswordCard({ onDone }: { onDone: (m: string) => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  return (
    <section className="card">
      <h2>{t('changePassword')}</h2>
      <form className="row wrap" onSubmit={(e) => {
        e.preventDefault();
        api('/api/auth/password', { method: 'POST', body: { current, next } }).then(() => { setCurrent(''); setNext(''); onDone(t('passwordChanged')); }, (err: unknown) => onDone((err as Error).message));
      }}>
        <input type="password" autoComplete="current-password" placeholder={t('password')} value={current} onChange={(e) => setCurrent(e.target.value)} required />
        <input type="password" autoComplete="new-password" placeholder={t('newPassword')} minLength={10} value={next} onChange={(e) => setNext(e.target.value)} required />
        <button type="submit">{t('changePassword')}</button>
      </form>
    </section>
  );
}

function NewUser({ onDone }: { onDone: (m: string) => void }) {
  const { t, lang } = useI18n();
  const [name, setName] = useState('');
  const [role, setRole] = useState('developer');
  return (
    <form className="row wrap" onSubmit={(e) => {
      e.preventDefault();
      api<{ password: string }>('/api/settings/users', { method: 'POST', body: { name, role } }).then((r) => { setName(''); onDone(`${t('oneTimePassword', { name })} ${r.password}`); }, (err: unknown) => onDone((err as Error).message));
    }}>
      <input placeholder={t('userName')} value={name} onChange={(e) => setName(e.target.value)} pattern="[\w.@-]{1,64}" required />
      <select value={role} onChange={(e) => setRole(e.target.value)} aria-label={t('role')}>
        {['admin', 'ops', 'developer', 'viewer'].map((r) => <option key={r} value={r}>{roleName(r, lang)}</option>)}
      </select>
      <button type="submit">{t('createUser')}</button>
    </form>
  );
}
