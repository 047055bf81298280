/** Any metric over a chosen range with warning/critical lines, last week's curve, and a breakdown. */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { api, type SeriesPoint } from '../api';
import { Empty, ErrorBox, Gate, Loading } from '../components/States';
import { fmtValue } from '../format';
import { useApi } from '../hooks';
import { useI18n } from '../i18n';

const Chart = lazy(() => import('../components/Chart'));

type Cat = { id: string; nameZh: string; nameEn: string; unit: string; dims: string[]; layer: string };
type Value = { id: string; value: number | null; warn: number | null; crit: number | null; unit: string; state: string; filter?: { dim: string; val: string }; samples: number };
const RANGES: { key: string; ms: number; step: string }[] = [
  { key: '1h', ms: 3_600_000, step: '1m' },
  { key: '6h', ms: 6 * 3_600_000, step: '5m' },
  { key: '24h', ms: 86_400_000, step: '15m' },
  { key: '7d', ms: 7 * 86_400_000, step: '1h' },
];
const WEEK = 7 * 86_400_000;

export default function Metrics({ id }: { id: string | undefined }) {
  const { t, lang } = useI18n();
  const cat = useApi<{ catalogue: Cat[] }>('/api/v1/metrics');
  const metric = id ?? 'page_load_time';
  const [range, setRange] = useState('6h');
  const [compare, setCompare] = useState(true);
  // the dimension chosen for this metric; any other metric starts at its first dimension
  const [chosen, setChosen] = useState<{ metric: string; dim: string } | null>(null);
  const def = cat.data?.catalogue.find((c) => c.id === metric);
  const r = RANGES.find((x) => x.key === range) ?? RANGES[1]!;
  const [series, setSeries] = useState<{ now: SeriesPoint[]; week: SeriesPoint[] } | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const current = useApi<Value>(`/api/v1/metrics/${metric}`);
  useEffect(() => {
    setSeries(null);
    const to = Date.now();
    const q = (from: number, until: number) => api<{ points: SeriesPoint[] }>(`/api/v1/metrics/${metric}?from=${from}&to=${until}&step=${r.step}`).then((s) => s.points);
    Promise.all([q(to - r.ms, to), compare ? q(to - r.ms - WEEK, to - WEEK) : Promise.resolve([])]).then(
      ([now, week]) => {
        setSeries({ now, week });
        setErr(null);
      },
      (e: unknown) => setErr((e as Error).message),
    );
  }, [metric, r, compare]);
  const by = chosen?.metric === metric && def?.dims.includes(chosen.dim) ? chosen.dim : (def?.dims[0] ?? '');
  const breakdown = useApi<{ values: Value[] }>(by ? `/api/v1/metrics/${metric}?by=${by}` : null, [by]);
  const lines = useMemo(() => {
    if (!series) return [];
    const name = def ? (lang === 'en' ? def.nameEn : def.nameZh) : metric;
    return [
      { name, points: series.now.map((p) => [p.t, p.value] as [number, number | null]) },
      ...(compare ? [{ name: t('lastWeek'), dashed: true, points: series.week.map((p) => [p.t + WEEK, p.value] as [number, number | null]) }] : []),
    ];
  }, [series, compare, def, lang, metric, t]);
  const marks = useMemo(() => {
    const v = current.data;
    const m: { name: string; value: number; color: string }[] = [];
    if (v?.warn !== null && v?.warn !== undefined) m.push({ name: t('warnLine'), value: v.warn, color: '#d97706' });
    if (v?.crit !== null && v?.crit !== undefined) m.push({ name: t('critLine'), value: v.crit, color: '#dc2626' });
    return m;
  }, [current.data, t]);
  const hasData = series?.now.some((p) => p.value !== null) ?? false;
  return (
    <div>
      <section className="card">
        <div className="row wrap">
          <label>{t('chooseMetric')}{' '}
            <select value={metric} onChange={(e) => (location.hash = `#/metrics/${e.target.value}`)} data-testid="metric-select">
              {(cat.data?.catalogue ?? []).map((c) => <option key={c.id} value={c.id}>{lang === 'en' ? c.nameEn : c.nameZh}</option>)}
            </select>
          </label>
          <div className="seg" role="group" aria-label={t('range')}>
            {RANGES.map((x) => <button key={x.key} className={x.key === range ? 'on' : ''} onClick={() => setRange(x.key)}>{x.key}</button>)}
          </div>
          <label><input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} /> {t('compareLastWeek')}</label>
          {current.data && <span className={`pill p-${current.data.state}`}>{fmtValue(current.data.value, current.data.unit)}</span>}
        </div>
        {err ? <ErrorBox message={err} /> : !series ? <Loading /> : !hasData ? <Empty>{t('noSeries')}</Empty> : (
          <Suspense fallback={<Loading />}><Chart lines={lines} marks={marks} unit={def?.unit} /></Suspense>
        )}
      </section>
      {def && def.dims.length > 0 && (
        <section className="card">
          <div className="row wrap">
            <h2>{t('breakdown')}</h2>
            <select value={by} onChange={(e) => setChosen({ metric, dim: e.target.value })} aria-label={t('dimension')}>
              {def.dims.map((d) => <option key={d} value={d}>{d}</option>)}
            </select>
          </div>
          <Gate l={breakdown}>
            {(b) => {
              const vals = b.values.filter((v) => v.value !== null).sort((x, y) => (y.value ?? 0) - (x.value ?? 0)).slice(0, 20);
              return vals.length === 0 ? <Empty>{t('noSeries')}</Empty> : (
                <Suspense fallback={<Loading />}><Chart unit={def.unit} bars={{ names: vals.map((v) => v.filter?.val ?? '?'), values: vals.map((v) => v.value) }} /></Suspense>
              );
            }}
          </Gate>
        </section>
      )}
    </div>
  );
}
