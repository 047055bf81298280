/** A card of errors grouped by fingerprint (GET /api/errors): count, summary and last seen; a click opens the stack and more. */
import { useState, type ReactNode } from 'react';
import { fmtTime } from '../format';
import { useApi } from '../hooks';
import { useI18n, type Key } from '../i18n';
import { Empty, Gate } from './States';

export type ErrorGroup = { fingerprint: string; count: number; firstSeen: number; lastSeen: number; message: string; stack?: string; releases: string[] };

export function ErrorGroups<G extends ErrorGroup>({ source, title, summary, detail }: { source: 'client' | 'server'; title: Key; summary: (g: G) => ReactNode; detail?: (g: G) => ReactNode }) {
  const { t, lang } = useI18n();
  const ev = useApi<{ groups: G[] }>(`/api/errors?source=${source}&from=now-1d`);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="card" data-testid={`errors-${source}`}>
      <h2>{t(title)}</h2>
      <Gate l={ev}>
        {(d) => d.groups.length === 0 ? <Empty>✓ {t('noErrors')}</Empty> : (
          <ul className="errors">
            {d.groups.map((g, i) => {
              const key = `${i}:${g.fingerprint}`;
              return (
                <li key={key}>
                  <button className="link" onClick={() => setOpen(open === key ? null : key)}>
                    <b>{g.count}×</b> {summary(g)} <span className="sub">· {t('lastSeen')} {fmtTime(g.lastSeen, lang, true)}</span>
                  </button>
                  {open === key && (
                    <div className="errdetail">
                      <h3>{t('stack')}</h3>
                      <pre>{g.stack ?? '—'}</pre>
                      {detail?.(g)}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Gate>
    </section>
  );
}
