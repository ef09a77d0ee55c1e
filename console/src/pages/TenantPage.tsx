import { useState, type FormEvent } from 'react';
import { Link, NavLink, Route, Routes, useNavigate, useParams } from 'react-router';
import { api } from '../api';
import { useAuth } from '../auth';
import {
  Dialog,
  Empty,
  ErrorNote,
  errorText,
  Field,
  Loading,
  NotFound,
  splitList,
  useLoad,
  when,
} from '../components/ui';
import type { Connection, Tenant } from '../types';
import { ApiKeysSection } from './tenant/ApiKeysSection';
import { DirectorySection } from './tenant/DirectorySection';
import { MembersSection } from './tenant/MembersSection';

export function TenantPage() {
  const { tenantId = '' } = useParams();
  const tenant = useLoad(() => api<Tenant>('GET', `/admin/v1/tenants/${encodeURIComponent(tenantId)}`), [tenantId]);
  if (tenant.loading && !tenant.data) return <Loading what="the tenant" />;
  if (tenant.notFound) return <NotFound what="Tenant" />;
  if (!tenant.data) {
    return (
      <>
        <h1>Tenant</h1>
        <ErrorNote error={tenant.error} />
        <p>
          <Link to="/">Back to tenants</Link>
        </p>
      </>
    );
  }
  const t = tenant.data;
  const base = `/tenants/${t.id}`;
  return (
    <>
      <p className="crumbs">
        <Link to="/">Tenants</Link> / {t.name}
      </p>
      <h1>{t.name}</h1>
      <nav aria-label="Tenant" className="tabs">
        <ul>
          <li>
            <NavLink to={base} end>
              Overview
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/directory`}>Groups and sites</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/members`}>Members</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/api-keys`}>API keys</NavLink>
          </li>
        </ul>
      </nav>
      <Routes>
        <Route
          index
          element={
            <>
              <SsoDomains tenant={t} onSaved={(n) => tenant.setData(n)} />
              <Connections tenant={t} />
            </>
          }
        />
        <Route path="directory" element={<DirectorySection tenantId={t.id} />} />
        <Route path="members" element={<MembersSection tenantId={t.id} />} />
        <Route path="api-keys" element={<ApiKeysSection tenantId={t.id} />} />
      </Routes>
    </>
  );
}

function SsoDomains({ tenant, onSaved }: { tenant: Tenant; onSaved: (t: Tenant) => void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(tenant.ssoDomains.join(', '));
  const [error, setError] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onSaved(await api<Tenant>('PATCH', `/admin/v1/tenants/${tenant.id}`, { ssoDomains: splitList(text) }));
      setEditing(false);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="sso-h">
      <h2 id="sso-h">SSO domains</h2>
      {!editing ? (
        <>
          {tenant.ssoDomains.length ? (
            <ul className="chips">
              {tenant.ssoDomains.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          ) : (
            <p>
              No SSO domains: Sync will skip every user (reason <code>domain_not_allowed</code>) until you add the
              customer's email domains.
            </p>
          )}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setText(tenant.ssoDomains.join(', '));
              setEditing(true);
            }}
          >
            Edit SSO domains
          </button>
        </>
      ) : (
        <form onSubmit={(e) => void save(e)}>
          <Field label="SSO domains" hint="Separated by commas or spaces.">
            {(p) => <input {...p} value={text} onChange={(e) => setText(e.target.value)} />}
          </Field>
          <ErrorNote error={error} />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit">Save</button>
          </div>
        </form>
      )}
    </section>
  );
}

function Connections({ tenant }: { tenant: Tenant }) {
  const navigate = useNavigate();
  const { principal } = useAuth();
  const list = useLoad(
    () => api<{ items: Connection[] }>('GET', `/admin/v1/tenants/${tenant.id}/scim-connections`),
    [tenant.id],
  );
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('Entra ID');
  const [error, setError] = useState<string | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const c = await api<Connection>('POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, { name: name.trim() });
      setOpen(false);
      void navigate(`/connections/${c.id}`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="conn-h">
      <div className="page-head">
        <h2 id="conn-h">SCIM connections</h2>
        {principal.scope !== 'sessions' && (
          <button type="button" onClick={() => setOpen(true)}>
            New connection
          </button>
        )}
      </div>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading what="connections" />
      ) : list.data && list.data.items.length === 0 ? (
        <Empty title="No SCIM connection yet.">
          <p>
            A connection is what the customer's identity provider (Microsoft Entra ID, Okta…) provisions users into.
            Create one with <strong>New connection</strong>: you get its Tenant URL and a secret token to paste into the
            IdP.
          </p>
        </Empty>
      ) : (
        list.data && (
          <table>
            <caption className="sr-only">SCIM connections</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Tenant URL</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/connections/${c.id}`}>{c.name || c.id}</Link>
                  </td>
                  <td>
                    <code>{c.tenantUrl}</code>
                  </td>
                  <td>{when(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <Dialog open={open} title="New connection" onClose={() => setOpen(false)}>
        <form onSubmit={(e) => void create(e)}>
          <Field label="Name" hint="What the customer calls their IdP, e.g. “Entra ID — Production”.">
            {(p) => <input {...p} maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <ErrorNote error={error} />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit">Create</button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
