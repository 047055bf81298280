/**
 * On-call: each rotation with who is on now, until when, the next few hand-offs. With
 * `oncall:edit`: overrides added and removed, layers (members, start, hand-off) edited, swaps made.
 */
import { useEffect, useState } from 'react';
import { api, type Me, type Oncall as OncallT } from '../api';
import { Empty, Gate } from '../components/States';
import { fmtTime } from '../format';
import { useApi } from '../hooks';
import { useI18n, roleName } from '../i18n';
import { OverrideForm, type Person } from './DirectoryForms';
import { restrictionText, RotationForm, SwapForm, type RotCfg, type Shift } from './RotationForms';

export default function Oncall({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const now = useApi<OncallT>('/api/oncall');
  const cfg = useApi<{ rotations: RotCfg[] }>('/api/settings/oncall');
  const edit = me.permissions.includes('oncall:edit');
  const people = useApi<{ people: Person[] }>(edit ? '/api/settings/people' : null);
  // people by name where the directory is readable (editors); others see the config ids
  const nameOf = (id: string) => people.data?.people.find((p) => p.id === id)?.name ?? id;
  const [note, setNote] = useState<string | null>(null);
  const changed = (m: string) => {
    setNote(m);
    cfg.reload();
    now.reload();
  };
  const [shifts, setShifts] = useState<Record<string, Shift[]>>({});
  useEffect(() => {
    if (!now.data) return;
    let live = true;
    (async () => {
      const out: Record<string, Shift[]> = {};
      for (const r of now.data?.rotations ?? []) {
        const list: Shift[] = [{ person: r.onCall?.id ?? null, name: r.onCall?.name ?? '—', from: now.data?.at ?? Date.now(), until: r.until }];
        let at = r.until;
        for (let i = 0; i < 4 && at !== null; i++) {
          const n = await api<OncallT>(`/api/oncall?at=${at + 1000}`);
          const x = n.rotations.find((y) => y.id === r.id);
          list.push({ person: x?.onCall?.id ?? null, name: x?.onCall?.name ?? '—', from: at, until: x?.until ?? null });
          at = x?.until ?? null;
        }
        out[r.id] = list;
      }
      if (live) setShifts(out);
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [now.data]);
  return (
    <section className="card">
      <h2>{t('oncall')}</h2>
      {note && <p className="note" role="status">{note}</p>}
      <Gate l={now}>
        {(o) => o.rotations.length === 0 ? <Empty>{t('nobody')}</Empty> : (
          <div className="grid2">
            {o.rotations.map((r) => {
              const c = cfg.data?.rotations.find((x) => x.id === r.id);
              const staff = edit ? people.data?.people : undefined;
              return (
                <div key={r.id} className="rot">
                  <h3>{t('rotation')}: {r.id} <span className="sub">({t('role')}: {roleName(r.role, lang)})</span></h3>
                  <ol className="plain" data-testid={`shifts-${r.id}`}>
                    {(shifts[r.id] ?? [{ person: r.onCall?.id ?? null, name: r.onCall?.name ?? '—', from: o.at, until: r.until }]).map((s, i) => (
                      <li key={i} className={i === 0 ? 'now' : ''}>
                        <b>{i === 0 ? t('onCallNow') : t('next')}</b> {s.name} <span className="sub">{fmtTime(s.from, lang, true)} → {s.until ? fmtTime(s.until, lang, true) : '∞'}</span>
                      </li>
                    ))}
                  </ol>
                  {c && (
                    <div className="sub">
                      {c.layers.map((l) => <div key={l.name}>{l.name}: {l.members.map(nameOf).join(' → ')} ({[l.handoff, restrictionText(l.restriction, t)].filter(Boolean).join(', ')})</div>)}
                      <h3>{t('overrides')}</h3>
                      {c.overrides.length === 0 ? <div>—</div> : c.overrides.map((o, i) => (
                        <div key={i}>{nameOf(o.person)}: {o.start} → {o.end} {o.note}
                          {edit && o.id && <> <button className="link" onClick={() => api(`/api/settings/oncall/${c.id}/overrides/${o.id}`, { method: 'DELETE' }).then(() => changed(t('saved')), (e: unknown) => setNote((e as Error).message))}>{t('remove')}</button></>}
                        </div>
                      ))}
                      {staff && <OverrideForm rotation={c.id} people={staff} role={me.role} onDone={changed} />}
                    </div>
                  )}
                  {c && staff && (
                    <div>
                      <details className="edit">
                        <summary>{t('editRotation')}</summary>
                        <RotationForm key={JSON.stringify(c.layers)} rotation={c} people={staff} me={me} onDone={changed} />
                      </details>
                      <details className="edit">
                        <summary>{t('swap')}</summary>
                        <SwapForm key={JSON.stringify(shifts[r.id] ?? [])} rotation={c} people={staff} shifts={shifts[r.id] ?? []} me={me} onDone={changed} />
                      </details>
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </Gate>
    </section>
  );
}
