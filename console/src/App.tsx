import { useCallback, useEffect, useState } from 'react';
import { Link, NavLink, Route, Routes, useLocation } from 'react-router';
import { api, whenSignedOut } from './api';
import { AuthContext } from './auth';
import { errorText, Loading } from './components/ui';
import { AuditPage } from './pages/AuditPage';
import { ConnectionPage } from './pages/ConnectionPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OperationsPage } from './pages/OperationsPage';
import { SignInPage } from './pages/SignInPage';
import { TenantPage } from './pages/TenantPage';
import { TenantsPage } from './pages/TenantsPage';
import type { Principal } from './types';

type State =
  { kind: 'loading' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; principal: Principal };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const location = useLocation();

  useEffect(() => {
    whenSignedOut(() => setState({ kind: 'signed-out', notice: 'Your session has ended. Sign in again.' }));
    api<{ principal: Principal }>('GET', '/admin/v1/console-sessions/current').then(
      (r) => setState({ kind: 'signed-in', principal: r.principal }),
      () => setState({ kind: 'signed-out' }),
    );
  }, []);

  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [location.pathname]);

  const signOut = useCallback(async () => {
    try {
      await api('DELETE', '/admin/v1/console-sessions/current');
    } catch (e) {
      // Already ended server-side is still signed out.
      void errorText(e);
    }
    setState({ kind: 'signed-out', notice: 'You are signed out.' });
  }, []);

  if (state.kind === 'loading') {
    return (
      <main id="main" tabIndex={-1}>
        <Loading what="the console" />
      </main>
    );
  }
  if (state.kind === 'signed-out') {
    return <SignInPage notice={state.notice} onSignedIn={(principal) => setState({ kind: 'signed-in', principal })} />;
  }
  const { principal } = state;
  return (
    <AuthContext.Provider value={{ principal, signOut }}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Roster
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink
                to={principal.scope === 'tenant' && principal.tenantId ? `/tenants/${principal.tenantId}` : '/'}
                end
              >
                Tenants
              </NavLink>
            </li>
            <li>
              <NavLink to="/audit">Audit</NavLink>
            </li>
            {principal.scope === 'admin' && (
              <li>
                <NavLink to="/operations">Operations</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="who">
          <span className="muted">
            Signed in with <strong>{principal.keyName}</strong> ({principal.scope} key)
          </span>
          <button type="button" className="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<TenantsPage />} />
          <Route path="/tenants/:tenantId/*" element={<TenantPage />} />
          <Route path="/connections/:connectionId/*" element={<ConnectionPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/operations" element={<OperationsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </main>
    </AuthContext.Provider>
  );
}
