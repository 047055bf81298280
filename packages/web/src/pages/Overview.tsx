/**
 * The morning / incident screen: is everything fine; if not, what, since when, who is on it.
 * Status banner, active alerts by level with response clocks, on-call now and next, the SOS panel
 * and the full monitoring matrix with sparklines — all kept live over SSE.
 */
import { useEffect, useState } from 'react';
import { api, type Alert, type MatrixRow, type Oncall, type SosPanel } from '../api';
import { Spark } from '../components/Spark';
import { Empty, Gate } from '../components/States';
import { alertName, fmtDuration, fmtTime, fmtValue, LEVEL_ORDER } from '../format';
import { useApi, useLive, useNow } from '../hooks';
import { useI18n, type Key, roleName } from '../i18n';

type Matrix = { at: number; rows: MatrixRow[] };

export function Overview() {
  const matrix = useApi<Matrix>('/api/v1/matrix');
  const alerts = useApi<Alert[]>('/api/alerts?status=firing,acknowledged&limit=200');
  const sos = useApi<SosPanel>('/api/v1/sos');
  const sparks = useSparklines();
  useLive<Matrix>('matrix', matrix.set);
  useLive<Alert[]>('alerts', (all) => alerts.set(all.filter((a) => a.status !== 'resolved')));
  useLive<SosPanel>('sos', sos.set);
  const { t } = useI18n();
  const bad = matrix.data?.rows.filter((r) => r.state === 'warning' || r.state === 'critical').length ?? 0;
  const open = alerts.data?.length ?? 0;
  const fine = matrix.data !== null && bad === 0 && open === 0 && (sos.data?.open.length ?? 0) === 0;
  return (
    <div className="overview">
      <div className={`banner ${fine ? 'fine' : matrix.data ? 'bad' : ''}`} data-testid="banner">
        {matrix.data ? (fine ? `✓ ${t('allFine')}` : `⚠ ${t('problems', { n: Math.max(bad, open) })}`) : t('loading')}
      </div>
      <div className="grid3">
        <section className="card">
          <h2>{t('activeAlerts')}</h2>
          <Gate l={alerts}>{(list) => <AlertClocks alerts={list} />}</Gate>
        </section>
        <section className="card">
          <h2>{t('onCallNow')}</h2>
          <OnCallNow />
        </section>
        <section className="card" data-testid="sos">
          <h2>{t('sos')}</h2>
          <Gate l={sos}>{(s) => <SosBox sos={s} />}</Gate>
        </section>
      </div>
      <section className="card">
        <h2>{t('matrix')}</h2>
        <Gate l={matrix}>{(m) => <MatrixTable rows={m.rows} sparks={sparks} />}</Gate>
      </section>
    </div>
  );
}

function AlertClocks({ alerts }: { alerts: Alert[] }) {
  const { t, lang } = useI18n();
  const now = useNow();
  if (alerts.length === 0) return <Empty>✓ {t('noAlerts')}</Empty>;
  const sorted = [...alerts].sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) || a.startsAt - b.startsAt);
  return (
    <ul className="alerts-mini">
      {sorted.map((a) => (
        <li key={a.id} className={`lv-${a.level}`}>
          <a href={`#/alerts/${a.id}`}>
            <span className={`lvl lvl-${a.level}`}>{a.level}</span> {alertName(a, lang)}{' '}
            <b>{fmtValue(a.value, a.unit)}</b>
          </a>
          <div className="sub">
            {t('since', { t: fmtTime(a.startsAt, lang) })} · {fmtDuration(now - a.startsAt, lang)} ·{' '}
            {a.status === 'acknowledged' ? (
              <span className="ok">{t('acknowledged')} {a.acknowledgedBy}</span>
            ) : now > a.ackDeadline ? (
              <span className="crit">{t('overdue', { t: fmtDuration(now - a.ackDeadline, lang) })}</span>
            ) : (
              <span className="warn">{t('ackIn', { t: fmtDuration(a.ackDeadline - now, lang) })}</span>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

function OnCallNow() {
  const { t, lang } = useI18n();
  const now = useApi<Oncall>('/api/oncall');
  const [next, setNext] = useState<Record<string, string>>({});
  useEffect(() => {
    for (const r of now.data?.rotations ?? []) {
      if (r.until === null) continue;
      api<Oncall>(`/api/oncall?at=${r.until + 1000}`).then(
        (n) => setNext((x) => ({ ...x, [r.id]: n.rotations.find((y) => y.id === r.id)?.onCall?.name ?? '—' })),
        () => undefined,
      );
    }
  }, [now.data]);
  return (
    <Gate l={now}>
      {(o) =>
        o.rotations.length === 0 ? (
          <Empty>{t('nobody')}</Empty>
        ) : (
          <ul className="oncall-mini">
            {o.rotations.map((r) => (
              <li key={r.id}>
                <span className="role">{roleName(r.role, lang)}</span> <b>{r.onCall?.name ?? '—'}</b>
                {r.until !== null && <span className="sub"> {t('until', { t: fmtTime(r.until, lang, true) })} · {t('next')}: {next[r.id] ?? '…'}</span>}
              </li>
            ))}
          </ul>
        )
      }
    </Gate>
  );
}

function SosBox({ sos }: { sos: SosPanel }) {
  const { t, lang } = useI18n();
  const now = useNow();
  return (
    <div>
      <div className="kpi">
        <span>{t('todayP95')}</span>
        <b>{sos.today.p95Ms === null ? '—' : fmtValue(sos.today.p95Ms / 1000, 's')}</b>
        <span className="sub">{t('answeredToday', { n: sos.today.answered })}</span>
      </div>
      {sos.open.length === 0 ? (
        <Empty>✓ {t('noOpenSos')}</Empty>
      ) : (
        <ul className="sos-list">
          {sos.open.map((s) => {
            const ms = now - s.triggeredAt;
            return (
              <li key={s.id} className={ms > 60_000 ? 'crit' : ms > 30_000 ? 'warn' : ''}>
                <code>{s.id}</code> <b className="timer">{fmtDuration(ms, lang)}</b>
                {s.acknowledgedAt !== null && <span className="sub"> · {t('acknowledged')}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** Sparklines of every matrix row in one request (cached by the server for a minute). */
function useSparklines(): Record<string, (number | null)[]> {
  const [sparks, setSparks] = useState<Record<string, (number | null)[]>>({});
  useEffect(() => {
    let live = true;
    const load = () => api<{ series: Record<string, (number | null)[]> }>('/api/v1/sparklines').then((s) => live && setSparks(s.series), () => undefined);
    void load();
    const every = setInterval(load, 60_000);
    return () => {
      live = false;
      clearInterval(every);
    };
  }, []);
  return sparks;
}

const STATE_RANK: Record<string, number> = { critical: 0, warning: 1, ok: 2, insufficient: 3 };

function MatrixTable({ rows, sparks }: { rows: MatrixRow[]; sparks: Record<string, (number | null)[]> }) {
  const { t, lang } = useI18n();
  if (rows.every((r) => r.samples === 0 && r.value === null)) return <Empty>{t('noData')}</Empty>;
  const sorted = [...rows].sort((a, b) => (STATE_RANK[a.state] ?? 9) - (STATE_RANK[b.state] ?? 9));
  return (
    <table className="matrix" data-testid="matrix">
      <thead>
        <tr>
          <th>{t('metric')}</th><th>{t('value')}</th><th className="hide-s">{t('threshold')}</th><th>{t('state')}</th><th className="hide-s">{t('trend')}</th><th className="hide-s">{t('responder')}</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={r.metric} className={`st-${r.state}`} data-metric={r.metric} data-state={r.state}>
            <td>
              <a href={`#/metrics/${r.metric}`}>{lang === 'en' ? r.name : r.nameZh}</a>
              <div className="sub">{t(`layer_${r.layer}` as Key)}</div>
            </td>
            <td className="num">{fmtValue(r.value, r.unit)}</td>
            <td className="hide-s sub">{thresholds(r)}</td>
            <td>
              <span className={`pill p-${r.state}`} title={r.state === 'insufficient' ? `${t('insufficientHint')} (${r.samples}/${r.minSamples})` : ''}>
                {t((['ok', 'warning', 'critical', 'insufficient'].includes(r.state) ? r.state : 'insufficient') as Key)}
                {r.level ? ` ${r.level}` : ''}
              </span>
            </td>
            <td className="hide-s"><Spark values={sparks[r.metric] ?? []} state={r.state} /></td>
            <td className="hide-s sub">{roleName(r.responder, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function thresholds(r: MatrixRow): string {
  const op = r.direction === 'below' ? '<' : '>';
  const parts = [r.warn !== null ? `⚠ ${op} ${fmtValue(r.warn, r.unit)}` : '', r.crit !== null ? `✖ ${op} ${fmtValue(r.crit, r.unit)}` : ''];
  return parts.filter(Boolean).join(' · ') || (r.rule ?? '');
}
