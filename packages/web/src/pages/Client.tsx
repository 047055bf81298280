/** Client (mini-program): launch and page load by page, errors by fingerprint, crashes, funnels. */
import { lazy, Suspense, useMemo, useState } from 'react';
import { Empty, Gate, Loading } from '../components/States';
import { fmtTime, fmtValue } from '../format';
import { useApi } from '../hooks';
import { useI18n, type Key } from '../i18n';

const Chart = lazy(() => import('../components/Chart'));

type Value = { value: number | null; unit: string; filter?: { dim: string; val: string } };
type Crumb = { t: number; c: string; m: string };
type Ev = { type: string; t: number; message?: string; stack?: string; fingerprint?: string; breadcrumbs?: Crumb[]; release?: string; ctx?: { model?: string } };

function Breakdown({ metric, by, title }: { metric: string; by: string; title: Key }) {
  const { t } = useI18n();
  const b = useApi<{ values: Value[] }>(`/api/v1/metrics/${metric}?by=${by}`);
  return (
    <section className="card">
      <h2>{t(title)}</h2>
      <Gate l={b}>
        {(d) => {
          const vals = d.values.filter((v) => v.value !== null).sort((x, y) => (y.value ?? 0) - (x.value ?? 0)).slice(0, 12);
          return vals.length === 0 ? <Empty>{t('noData')}</Empty> : (
            <Suspense fallback={<Loading />}><Chart unit={vals[0]?.unit} bars={{ names: vals.map((v) => v.filter?.val ?? '?'), values: vals.map((v) => v.value) }} /></Suspense>
          );
        }}
      </Gate>
    </section>
  );
}

function Errors() {
  const { t, lang } = useI18n();
  const ev = useApi<{ events: Ev[] }>('/api/v1/events?type=js_error&limit=500&from=now-1d');
  const [open, setOpen] = useState<string | null>(null);
  const groups = useMemo(() => {
    const m = new Map<string, { fp: string; count: number; last: Ev }>();
    for (const e of ev.data?.events ?? []) {
      const fp = e.fingerprint ?? (e.message ?? '').slice(0, 80);
      const g = m.get(fp);
      if (g) {
        g.count++;
        if (e.t > g.last.t) g.last = e;
      } else m.set(fp, { fp, count: 1, last: e });
    }
    return [...m.values()].sort((a, b) => b.count - a.count);
  }, [ev.data]);
  return (
    <section className="card">
      <h2>{t('errorsByFp')}</h2>
      <Gate l={ev}>
        {() => groups.length === 0 ? <Empty>✓ {t('noErrors')}</Empty> : (
          <ul className="errors">
            {groups.map((g) => (
              <li key={g.fp}>
                <button className="link" onClick={() => setOpen(open === g.fp ? null : g.fp)}>
                  <b>{g.count}×</b> {g.last.message} <span className="sub">· {t('lastSeen')} {fmtTime(g.last.t, lang, true)}</span>
                </button>
                {open === g.fp && (
                  <div className="errdetail">
                    <h3>{t('stack')}</h3>
                    <pre>{g.last.stack ?? '—'}</pre>
                    <h3>{t('breadcrumbs')}</h3>
                    <ol>{(g.last.breadcrumbs ?? []).map((c, i) => <li key={i}><span className="sub">{fmtTime(c.t, lang)}</span> {c.c}: {c.m}</li>)}</ol>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </Gate>
    </section>
  );
}

type FunnelStep = { step: string; index: number; reached: number; exits: number };
type Funnel = { name: string; steps: FunnelStep[]; runs: number; completed: number; inProgress: number };

/** Funnels derived by the platform per session (GET /api/funnels): reached and left per step. */
function Funnels() {
  const { t } = useI18n();
  const ev = useApi<{ funnels: Funnel[]; truncated: boolean }>('/api/funnels?from=now-1d');
  return (
    <section className="card">
      <h2>{t('funnels')}</h2>
      <Gate l={ev}>
        {(d) => d.funnels.every((f) => f.runs === 0) ? <Empty>{t('noData')}</Empty> : (
          <div>{d.funnels.filter((f) => f.runs > 0).map((f) => {
            const first = Math.max(1, ...f.steps.map((s) => s.reached));
            return (
              <div key={f.name} className="funnel"><h3>{f.name} <span className="sub">{t('funnelRuns', { runs: f.runs, completed: f.completed, inProgress: f.inProgress })}</span></h3>
                {f.steps.map((s) => (
                  <div key={s.step} className="fstep"><span>{s.step}</span><span className="bar" style={{ width: `${(s.reached / first) * 100}%` }} />
                    <span><b>{s.reached} ({fmtValue((s.reached / first) * 100, '%')})</b>{s.exits > 0 && <><br /><span className="sub">{t('leftHere', { n: s.exits })}</span></>}</span>
                  </div>
                ))}
              </div>
            );
          })}{d.truncated && <p className="sub">{t('funnelTruncated')}</p>}</div>
        )}
      </Gate>
    </section>
  );
}

export default function Client() {
  return (
    <div className="grid2">
      <Breakdown metric="page_load_time" by="page" title="pageLoadByPage" />
      <Breakdown metric="app_launch_time" by="model" title="launch" />
      <Breakdown metric="crash_rate" by="release" title="crashByRelease" />
      <Breakdown metric="crash_rate" by="model" title="crashByDevice" />
      <Errors />
      <Funnels />
    </div>
  );
}
