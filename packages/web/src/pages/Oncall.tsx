/** On-call: each rotation with who is on now, until when, and the next few hand-offs. */
import { useEffect, useState } from 'react';
import { api, type Oncall as OncallT } from '../api';
import { Empty, Gate } from '../components/States';
import { fmtTime } from '../format';
import { useApi } from '../hooks';
import { useI18n } from '../i18n';

type Shift = { name: string; from: number; until: number | null };
type RotCfg = { id: string; role: string; layers: { name: string; members: string[]; handoff: string }[]; overrides: { person: string; start: string; end: string; note: string }[] };

export default function Oncall() {
  const { t, lang } = useI18n();
  const now = useApi<OncallT>('/api/oncall');
  const cfg = useApi<{ rotations: RotCfg[] }>('/api/settings/oncall');
  const [shifts, setShifts] = useState<Record<string, Shift[]>>({});
  useEffect(() => {
    if (!now.data) return;
    let live = true;
    (async () => {
      const out: Record<string, Shift[]> = {};
      for (const r of now.data?.rotations ?? []) {
        const list: Shift[] = [{ name: r.onCall?.name ?? '—', from: now.data?.at ?? Date.now(), until: r.until }];
        let at = r.until;
        for (let i = 0; i < 4 && at !== null; i++) {
          const n = await api<OncallT>(`/api/oncall?at=${at + 1000}`);
          const x = n.rotations.find((y) => y.id === r.id);
          list.push({ name: x?.onCall?.name ?? '—', from: at, until: x?.until ?? null });
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
      <Gate l={now}>
        {(o) => o.rotations.length === 0 ? <Empty>{t('nobody')}</Empty> : (
          <div className="grid2">
            {o.rotations.map((r) => (
              <div key={r.id} className="rot">
                <h3>{t('rotation')}: {r.id} <span className="sub">({t('role')}: {r.role})</span></h3>
                <ol className="plain">
                  {(shifts[r.id] ?? [{ name: r.onCall?.name ?? '—', from: o.at, until: r.until }]).map((s, i) => (
                    <li key={i} className={i === 0 ? 'now' : ''}>
                      <b>{i === 0 ? t('onCallNow') : t('next')}</b> {s.name} <span className="sub">{fmtTime(s.from, lang, true)} → {s.until ? fmtTime(s.until, lang, true) : '∞'}</span>
                    </li>
                  ))}
                </ol>
                {cfg.data?.rotations.filter((c) => c.id === r.id).map((c) => (
                  <div key={c.id} className="sub">
                    {c.layers.map((l) => <div key={l.name}>{l.name}: {l.members.join(' → ')} ({l.handoff})</div>)}
                    <h3>{t('overrides')}</h3>
                    {c.overrides.length === 0 ? <div>—</div> : c.overrides.map((o, i) => <div key={i}>{o.person}: {o.start} → {o.end} {o.note}</div>)}
                  </div>
                ))}
              </div>
            ))}
          </div>
        )}
      </Gate>
    </section>
  );
}
