/** Loading, error and empty states that say what to do next. */
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

export function Loading() {
  const { t } = useI18n();
  return <div className="state loading" role="status">{t('loading')}</div>;
}

export function ErrorBox({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="state error" role="alert">
      {t('loadError', { msg: message })} {onRetry && <button onClick={onRetry}>{t('retry')}</button>}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** Renders loading / error, else the children with the data. */
export function Gate<T>({ l, children }: { l: { data: T | null; error: string | null; loading: boolean; reload: () => void }; children: (d: T) => ReactNode }) {
  if (l.data !== null) return <>{children(l.data)}</>;
  if (l.error) return <ErrorBox message={l.error} onRetry={l.reload} />;
  return <Loading />;
}
