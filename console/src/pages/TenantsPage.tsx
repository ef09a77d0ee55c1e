import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, qs } from '../api';
import { useAuth } from '../auth';
import { FormDialog, ListState, nothing, Table, useLoadMore, useSubmit } from '../components/blocks';
import { Field, splitList, when } from '../components/ui';
import type { Page, Tenant } from '../types';

export function TenantsPage() {
  const { principal } = useAuth();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const list = useLoadMore(
    (cursor) => api<Page<Tenant>>('GET', `/admin/v1/tenants${qs({ q: query, limit: 50, cursor })}`),
    [query],
  );

  useEffect(() => {
    const t = setTimeout(() => setQuery(q.trim()), 250);
    return () => clearTimeout(t);
  }, [q]);

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
      <ListState
        what="tenants"
        error={list.error}
        loading={list.loading}
        items={list.items}
        empty={
          query
            ? nothing(`No tenant's name contains “${query}”.`, 'Check the spelling, or clear the search.')
            : nothing(
                'No tenants yet.',
                <>
                  A tenant is one customer organisation. Create one with <strong>New tenant</strong>, then add a SCIM
                  connection to it and paste its Tenant URL and a token into the customer's identity provider.
                </>,
              )
        }
      >
        {(items) => (
          <Table
            caption="Tenants"
            rows={items}
            rowKey={(t) => t.id}
            columns={[
              { header: 'Name', cell: (t) => <Link to={`/tenants/${t.id}`}>{t.name}</Link> },
              {
                header: 'SSO domains',
                cell: (t) => (t.ssoDomains.length ? t.ssoDomains.join(', ') : <span className="muted">none</span>),
              },
              { header: 'Created', cell: (t) => when(t.createdAt) },
            ]}
          />
        )}
      </ListState>
      {list.button}
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
  const form = useSubmit(async () => {
    const t = await api<Tenant>('POST', '/admin/v1/tenants', { name: name.trim(), ssoDomains: splitList(domains) });
    setName('');
    setDomains('');
    onCreated(t);
  });
  return (
    <FormDialog open={open} title="New tenant" form={form} onClose={onClose}>
      <Field label="Name">
        {(p) => <input {...p} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field
        label="SSO domains"
        hint="The email domains this customer's users sign in with, separated by commas or spaces (e.g. acme.example). Sync provisions only users whose email is in one of them."
      >
        {(p) => <input {...p} value={domains} onChange={(e) => setDomains(e.target.value)} />}
      </Field>
    </FormDialog>
  );
}
