/** Client (mini-program): launch and page load by page, errors by fingerprint, crashes, funnels. */
import { Breakdown } from '../components/Breakdown';
import { ErrorGroups, type ErrorGroup } from '../components/ErrorGroups';
import { Empty, Gate } from '../components/States';
import { fmtTime, fmtValue } from '../format';
import { useApi } from '../hooks';
import { useI18n } from '../i18n';

type Crumb = { t: number; c: string; m: string };

type ClientError = ErrorGroup & { kind: string; page?: string; breadcrumbs?: Crumb[] };

/** The mini-program's js_error, grouped by fingerprint by the platform over the last day. */
function Errors() {
  const { lang, t } = useI18n();
  return (
    <ErrorGroups<ClientError>
      source="client"
      title="errorsByFp"
      summary={(g) => g.message}
      detail={(g) => (
        <>
          <h3>{t('breadcrumbs')}</h3>
          <ol>{(g.breadcrumbs ?? []).map((c, i) => <li key={i}><span className="sub">{fmtTime(c.t, lang)}</span> {c.c}: {c.m}</li>)}</ol>
        </>
      )}
    />
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
