import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, qs } from '../api';
import { useAuth } from '../auth';
import { Dialog, Empty, ErrorNote, errorText, Field, Loading, splitList, useLoad, when } from '../components/ui';
import type { Page, Tenant } from '../types';

export function TenantsPage() {
  const { principal } = useAuth();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [more, setMore] = useState<Tenant[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => api<Page<Tenant>>('GET', `/admin/v1/tenants${qs({ q: query, limit: 50 })}`), [query]);

  useEffect(() => {
    setMore([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);

  useEffect(() => {
    const t = setTimeout(() => setQuery(q.trim()), 250);
    return () => clearTimeout(t);
  }, [q]);

  const loadMore = async () => {
    if (!cursor) return;
    const page = await api<Page<Tenant>>('GET', `/admin/v1/tenants${qs({ q: query, limit: 50, cursor })}`);
    setMore((m) => [...m, ...page.items]);
    setCursor(page.nextCursor);
  };

  const items = [...(list.data?.items ?? []), ...more];
  return (
    <>
      <div className="page-head">
        <h1>Tenants</h1>
        {principal.scope === 'admin' && (
          <button type="button" onClick={() => setCreating(true)}>
            New tenant
          </button>
        )}
      </div>
      <form role="search" onSubmit={(e) => e.preventDefault()} className="filters">
        <Field label="Search tenants">
          {(p) => <input {...p} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name" />}
        </Field>
      </form>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading what="tenants" />
      ) : items.length === 0 && !list.error ? (
        query ? (
          <Empty title={`No tenant's name contains “${query}”.`}>
            <p>Check the spelling, or clear the search.</p>
          </Empty>
        ) : (
          <Empty title="No tenants yet.">
            <p>
              A tenant is one customer organisation. Create one with <strong>New tenant</strong>, then add a SCIM
              connection to it and paste its Tenant URL and a token into the customer's identity provider.
            </p>
          </Empty>
        )
      ) : (
        <table>
          <caption className="sr-only">Tenants</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">SSO domains</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link to={`/tenants/${t.id}`}>{t.name}</Link>
                </td>
                <td>{t.ssoDomains.length ? t.ssoDomains.join(', ') : <span className="muted">none</span>}</td>
                <td>{when(t.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" className="secondary" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
      <NewTenantDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(t) => {
          setCreating(false);
          void navigate(`/tenants/${t.id}`);
        }}
      />
    </>
  );
}

function NewTenantDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (t: Tenant) => void;
}) {
  const [name, setName] = useState('');
  const [domains, setDomains] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const t = await api<Tenant>('POST', '/admin/v1/tenants', { name: name.trim(), ssoDomains: splitList(domains) });
      setName('');
      setDomains('');
      onCreated(t);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} title="New tenant" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Name">
          {(p) => <input {...p} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field
          label="SSO domains"
          hint="The email domains this customer's users sign in with, separated by commas or spaces (e.g. acme.example). Sync provisions only users whose email is in one of them."
        >
          {(p) => <input {...p} value={domains} onChange={(e) => setDomains(e.target.value)} />}
        </Field>
        <ErrorNote error={error} />
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}
