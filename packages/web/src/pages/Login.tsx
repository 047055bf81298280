/** Login form; a wrong password or the rate limit is explained in place. */
import { useState, type FormEvent } from 'react';
import { api, HttpError, type Me } from '../api';
import { useI18n } from '../i18n';

export function Login({ onLogin }: { onLogin: (m: Me) => void }) {
  const { t, lang, setLang } = useI18n();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await api<Me>('/api/auth/login', { method: 'POST', body: { name, password } }));
    } catch (err) {
      setError(err instanceof HttpError && err.status === 401 ? t('loginFailed') : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form onSubmit={submit} className="card">
        <h1>{t('appName')}</h1>
        <label>{t('userName')}<input name="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label>{t('password')}<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{t('login')}</button>
        <button type="button" className="link" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('lang')}</button>
      </form>
    </div>
  );
}
