/** Alerts: the list (open or all) and an alert's detail with its live timeline and actions. */
import { useState } from 'react';
import { api, HttpError, type Alert, type AlertDetail, type Me } from '../api';
import { Empty, Gate } from '../components/States';
import { alertName, fmtDuration, fmtTime, fmtValue } from '../format';
import { useApi, useLive, useNow } from '../hooks';
import { DICTS, useI18n, type Key, roleName } from '../i18n';

export function Alerts({ me, id }: { me: Me; id: string | undefined }) {
  return id ? <AlertView me={me} id={id} /> : <AlertList />;
}

function AlertList() {
  const { t, lang } = useI18n();
  const [all, setAll] = useState(false);
  const list = useApi<Alert[]>(`/api/alerts?limit=200${all ? '' : '&status=firing,acknowledged'}`);
  useLive<Alert[]>('alerts', (a) => list.set(all ? a : a.filter((x) => x.status !== 'resolved')));
  const now = useNow();
  return (
    <section className="card">
      <div className="row">
        <h2>{t('alerts')}</h2>
        <div className="seg">
          <button className={all ? '' : 'on'} onClick={() => setAll(false)}>{t('open')}</button>
          <button className={all ? 'on' : ''} onClick={() => setAll(true)}>{t('all')}</button>
        </div>
      </div>
      <Gate l={list}>
        {(alerts) =>
          alerts.length === 0 ? (
            <Empty>✓ {t('noAlerts')}</Empty>
          ) : (
            <table className="list" data-testid="alert-list">
              <thead>
                <tr><th>{t('level')}</th><th>{t('metric')}</th><th>{t('value')}</th><th>{t('status')}</th><th className="hide-s">{t('startedAt')}</th></tr>
              </thead>
              <tbody>
                {alerts.map((a) => (
                  <tr key={a.id} data-alert={a.id}>
                    <td><span className={`lvl lvl-${a.level}`}>{a.level}</span></td>
                    <td><a href={`#/alerts/${a.id}`}>{alertName(a, lang)}</a>{a.flapping && <span className="sub"> ↯</span>}</td>
                    <td className="num">{fmtValue(a.value, a.unit)}</td>
                    <td><span className={`pill s-${a.status}`}>{t(a.status)}</span></td>
                    <td className="hide-s sub">{fmtTime(a.startsAt, lang, true)} · {fmtDuration((a.resolvedAt ?? now) - a.startsAt, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Gate>
    </section>
  );
}

function AlertView({ me, id }: { me: Me; id: string }) {
  const { t, lang } = useI18n();
  const d = useApi<AlertDetail>(`/api/alerts/${encodeURIComponent(id)}`);
  const [msg, setMsg] = useState<string | null>(null);
  const [silenceH, setSilenceH] = useState(1);
  const now = useNow();
  useLive<Alert[]>('alerts', (list) => {
    const a = list.find((x) => x.id === id);
    if (a && d.data && a.updatedAt !== d.data.alert.updatedAt) d.reload();
  });
  const canAct = me.permissions.includes('alerts:act');
  const canSilence = me.permissions.includes('silences:edit');
  const act = async (what: 'ack' | 'resolve') => {
    try {
      await api(`/api/alerts/${encodeURIComponent(id)}/${what}`, { method: 'POST', body: {} });
      setMsg(null);
      d.reload();
    } catch (e) {
      setMsg(e instanceof HttpError && e.status === 403 ? t('forbidden', { role: roleName(me.role, lang) }) : (e as Error).message);
    }
  };
  const silence = async (a: Alert) => {
    try {
      await api('/api/silences', { method: 'POST', body: { matcher: { metric: a.metricId }, endsAt: Date.now() + silenceH * 3_600_000, comment: `dashboard: ${a.id}` } });
      setMsg(t('silenced', { metric: alertName(a, lang) }));
    } catch (e) {
      setMsg(e instanceof HttpError && e.status === 403 ? t('forbidden', { role: roleName(me.role, lang) }) : (e as Error).message);
    }
  };
  return (
    <div>
      <a href="#/alerts" className="back">← {t('back')}</a>
      <Gate l={d}>
        {({ alert: a, timeline, deliveries }) => (
          <div className="grid2">
            <section className="card" data-testid="alert-detail" data-status={a.status}>
              <h2><span className={`lvl lvl-${a.level}`}>{a.level}</span> {alertName(a, lang)}</h2>
              <dl className="facts">
                <dt>{t('status')}</dt><dd><span className={`pill s-${a.status}`} data-testid="alert-status">{t(a.status)}</span></dd>
                <dt>{t('value')}</dt><dd>{fmtValue(a.value, a.unit)} {a.threshold !== undefined && <span className="sub">({t('threshold')} {fmtValue(a.threshold, a.unit)})</span>}</dd>
                <dt>{t('startedAt')}</dt><dd>{fmtTime(a.startsAt, lang, true)} · {fmtDuration((a.resolvedAt ?? now) - a.startsAt, lang)}</dd>
                <dt>{t('responder')}</dt><dd>{roleName(a.responder, lang)}</dd>
                {a.acknowledgedBy && (<><dt>{t('ackBy')}</dt><dd>{a.acknowledgedBy} · {fmtTime(a.acknowledgedAt ?? 0, lang)}</dd></>)}
                {a.summary && (<><dt>{t('detail')}</dt><dd>{a.summary}</dd></>)}
              </dl>
              {a.status !== 'resolved' && (
                <div className="actions">
                  {a.status === 'firing' && <button disabled={!canAct} onClick={() => act('ack')} data-testid="ack">{t('acknowledge')}</button>}
                  <button disabled={!canAct} onClick={() => act('resolve')} data-testid="resolve">{t('resolve')}</button>
                  <span className="silence">
                    <select value={silenceH} onChange={(e) => setSilenceH(Number(e.target.value))} aria-label={t('silenceFor')}>
                      {[1, 4, 12, 24].map((h) => <option key={h} value={h}>{h} h</option>)}
                    </select>
                    <button disabled={!canSilence} onClick={() => silence(a)}>{t('silence')}</button>
                  </span>
                </div>
              )}
              {msg && <p className="note" role="status">{msg}</p>}
            </section>
            <section className="card">
              <h2>{t('timeline')}</h2>
              <ol className="timeline" data-testid="timeline">
                {timeline.map((e, i) => (
                  <li key={i} data-kind={e.kind}>
                    <span className="sub">{fmtTime(e.at, lang)}</span> <b>{timelineLabel(e.kind, t)}</b> <span className="sub">{describe(e.detail)}</span>
                  </li>
                ))}
              </ol>
              <h2>{t('deliveries')}</h2>
              {deliveries.length === 0 ? <Empty>—</Empty> : (
                <ul className="plain">
                  {deliveries.map((x, i) => <li key={i}>{x.channel} · {x.status} · {x.attempts}× {x.lastError && <span className="crit">{x.lastError}</span>}</li>)}
                </ul>
              )}
            </section>
          </div>
        )}
      </Gate>
    </div>
  );
}

function timelineLabel(kind: string, t: (k: Key) => string): string {
  const k = `tl_${kind}`;
  return k in DICTS.en ? t(k as Key) : kind;
}

function describe(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .slice(0, 4)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
