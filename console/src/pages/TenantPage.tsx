import { useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { api } from '../api';
import { FormDialog, ListState, nothing, Section, Table, useSubmit, Tabs } from '../components/blocks';
import { ErrorNote, Field, Loading, NotLoaded, splitList, useLoad, when } from '../components/ui';
import type { Connection, Tenant } from '../types';
import { ApiKeysSection } from './tenant/ApiKeysSection';
import { DirectorySection } from './tenant/DirectorySection';
import { MembersSection } from './tenant/MembersSection';

export function TenantPage() {
  const { tenantId = '' } = useParams();
  const tenant = useLoad(() => api<Tenant>('GET', `/admin/v1/tenants/${encodeURIComponent(tenantId)}`), [tenantId]);
  if (tenant.loading && !tenant.data) return <Loading what="the tenant" />;
  if (!tenant.data) return <NotLoaded what="Tenant" notFound={tenant.notFound} error={tenant.error} />;
  const t = tenant.data;
  const base = `/tenants/${t.id}`;
  return (
    <>
      <p className="crumbs">
        <Link to="/">Tenants</Link> / {t.name}
      </p>
      <h1>{t.name}</h1>
      <Tabs
        label="Tenant"
        base={base}
        tabs={[
          ['', 'Overview'],
          ['directory', 'Groups and sites'],
          ['members', 'Members'],
          ['api-keys', 'API keys'],
        ]}
      />
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
  const form = useSubmit(async () => {
    onSaved(await api<Tenant>('PATCH', `/admin/v1/tenants/${tenant.id}`, { ssoDomains: splitList(text) }));
    setEditing(false);
  });
  return (
    <Section title="SSO domains">
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
        <form onSubmit={(e) => void form.submit(e)}>
          <Field label="SSO domains" hint="Separated by commas or spaces.">
            {(p) => <input {...p} value={text} onChange={(e) => setText(e.target.value)} />}
          </Field>
          <ErrorNote error={form.error} />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" disabled={form.busy}>
              Save
            </button>
          </div>
        </form>
      )}
    </Section>
  );
}

function Connections({ tenant }: { tenant: Tenant }) {
  const navigate = useNavigate();
  const list = useLoad(
    () => api<{ items: Connection[] }>('GET', `/admin/v1/tenants/${tenant.id}/scim-connections`),
    [tenant.id],
  );
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('Entra ID');
  const form = useSubmit(async () => {
    const c = await api<Connection>('POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, { name: name.trim() });
    setOpen(false);
    void navigate(`/connections/${c.id}`);
  });
  return (
    <Section
      title="SCIM connections"
      action={
        <button type="button" onClick={() => setOpen(true)}>
          New connection
        </button>
      }
    >
      <ListState
        what="connections"
        error={list.error}
        loading={list.loading}
        items={list.data?.items}
        empty={nothing(
          'No SCIM connection yet.',
          <>
            A connection is what the customer's identity provider (Microsoft Entra ID, Okta…) provisions users into.
            Create one with <strong>New connection</strong>: you get its Tenant URL and a secret token to paste into the
            IdP.
          </>,
        )}
      >
        {(items) => (
          <Table
            caption="SCIM connections"
            rows={items}
            rowKey={(c) => c.id}
            columns={[
              { header: 'Name', cell: (c) => <Link to={`/connections/${c.id}`}>{c.name || c.id}</Link> },
              { header: 'Tenant URL', cell: (c) => <code>{c.tenantUrl}</code> },
              { header: 'Created', cell: (c) => when(c.createdAt) },
            ]}
          />
        )}
      </ListState>
      <FormDialog open={open} title="New connection" form={form} onClose={() => setOpen(false)}>
        <Field label="Name" hint="What the customer calls their IdP, e.g. “Entra ID — Production”.">
          {(p) => <input {...p} maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
      </FormDialog>
    </Section>
  );
}
