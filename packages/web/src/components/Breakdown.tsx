/** One metric broken down by a dimension over its window: the top 12 values as bars. */
import { lazy, Suspense } from 'react';
import { Empty, Gate, Loading } from './States';
import { useApi } from '../hooks';
import { useI18n, type Key } from '../i18n';

const Chart = lazy(() => import('./Chart'));

type Value = { value: number | null; unit: string; filter?: { dim: string; val: string } };

export function Breakdown({ metric, by, title }: { metric: string; by: string; title: Key }) {
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
