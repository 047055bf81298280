/** The shell: login gate, navigation (hash routes), language switch, live-connection badge. */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, setCsrf, setUnauthorizedHandler, type Me } from './api';
import { closeStream, useLiveStatus } from './hooks';
import { initialLang, LangContext, translator, useI18n, type Key, type Lang, roleName } from './i18n';
import { Login } from './pages/Login';
import { Overview } from './pages/Overview';
import { Alerts } from './pages/Alerts';
import { Loading } from './components/States';

const Metrics = lazy(() => import('./pages/Metrics'));
const Client = lazy(() => import('./pages/Client'));
const Server = lazy(() => import('./pages/Server'));
const Oncall = lazy(() => import('./pages/Oncall'));
const Settings = lazy(() => import('./pages/Settings'));

const PAGES: Key[] = ['overview', 'alerts', 'metrics', 'client', 'server', 'oncall', 'settings'];

function useHash(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const f = () => setHash(location.hash);
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean);
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang());
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('mgops.lang', l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const i18n = useMemo(() => ({ lang, t: translator(lang), setLang }), [lang, setLang]);
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  useEffect(() => {
    document.documentElement.lang = initialLang();
    setUnauthorizedHandler(() => setMe(null));
    api<Me>('/api/auth/me').then(
      (m) => {
        setCsrf(m.csrf);
        setMe(m);
      },
      () => setMe(null),
    );
  }, []);

  return (
    <LangContext.Provider value={i18n}>
      {me === undefined ? <Loading /> : me === null ? <Login onLogin={(m) => { setCsrf(m.csrf); setMe(m); }} /> : <Shell me={me} onLogout={() => { closeStream(); setCsrf(null); setMe(null); }} />}
    </LangContext.Provider>
  );
}

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const { t, lang, setLang } = useI18n();
  const route = useHash();
  const page = (PAGES as string[]).includes(route[0] ?? '') ? (route[0] as Key) : 'overview';
  const live = useLiveStatus();
  const logout = () => {
    api('/api/auth/logout', { method: 'POST' }).finally(onLogout);
  };
  return (
    <div className="shell">
      <header className="top">
        <a className="brand" href="#/overview">{t('appName')}</a>
        <nav>
          {PAGES.map((p) => (
            <a key={p} href={`#/${p}`} className={p === page ? 'active' : ''} data-page={p}>{t(p)}</a>
          ))}
        </nav>
        <div className="tools">
          <span className={`live ${live ? 'on' : 'off'}`} title={live ? t('live') : t('reconnecting')}>● {live ? t('live') : t('reconnecting')}</span>
          <button className="link" data-testid="lang" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('lang')}</button>
          <span className="me">{me.user} · {roleName(me.role, lang)}</span>
          <button className="link" onClick={logout}>{t('logout')}</button>
        </div>
      </header>
      <main>
        {me.mustChange && <p className="note">{t('mustChange')}</p>}
        <Suspense fallback={<Loading />}>
          {page === 'overview' && <Overview />}
          {page === 'alerts' && <Alerts me={me} id={route[1]} />}
          {page === 'metrics' && <Metrics id={route[1]} />}
          {page === 'client' && <Client />}
          {page === 'server' && <Server />}
          {page === 'oncall' && <Oncall me={me} />}
          {page === 'settings' && <Settings me={me} />}
        </Suspense>
      </main>
    </div>
  );
}
