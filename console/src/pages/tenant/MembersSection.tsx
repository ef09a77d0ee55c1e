import { useState } from 'react';
import { api, qs } from '../../api';
import { ListState, nothing, Section, Table, useLoadMore, useSubmit, type Column } from '../../components/blocks';
import { Confirm, ErrorNote, Field, when } from '../../components/ui';
import type { Member, Page } from '../../types';

/** A tenant's members: who has access, where it came from, and what it grants. */
export function MembersSection({ tenantId }: { tenantId: string }) {
  const [status, setStatus] = useState<'' | 'active' | 'revoked'>('');
  const list = useLoadMore(
    (cursor) => api<Page<Member>>('GET', `/admin/v1/tenants/${tenantId}/members${qs({ status, limit: 100, cursor })}`),
    [tenantId, status],
  );
  const [email, setEmail] = useState('');
  const [revoking, setRevoking] = useState<Member | null>(null);
  const add = useSubmit(async () => {
    await api('POST', `/admin/v1/tenants/${tenantId}/members`, { email: email.trim() });
    setEmail('');
    list.reload();
  });
  return (
    <Section title="Members">
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="Status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
              <option value="">All</option>
              <option value="active">Active</option>
              <option value="revoked">Revoked</option>
            </select>
          )}
        </Field>
      </form>
      <ListState
        what="members"
        error={list.error}
        loading={list.loading}
        items={list.items}
        empty={nothing(
          'No members yet.',
          <>
            Members appear when Sync provisions the users the IdP pushed (open a connection, then <strong>Sync</strong>
            ), or when you add a manual member below.
          </>,
        )}
      >
        {(items) => (
          <Table
            caption="Members"
            rows={items}
            rowKey={(m) => m.accountId}
            columns={[
              ...MEMBER_COLUMNS,
              {
                header: 'Actions',
                hiddenHeader: true,
                cell: (m) =>
                  m.status === 'active' && (
                    <button type="button" className="link" onClick={() => setRevoking(m)}>
                      Revoke access for {m.email}
                    </button>
                  ),
              },
            ]}
          />
        )}
      </ListState>
      {list.button}
      <form onSubmit={(e) => void add.submit(e)} className="inline-form" aria-label="Add a manual member">
        <Field label="Email" hint="A manual member is your product's own user; Sync never takes it over.">
          {(p) => <input {...p} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <button type="submit" disabled={add.busy}>
          Add member
        </button>
      </form>
      <ErrorNote error={add.error} />
      <Confirm
        open={revoking !== null}
        title="Revoke access"
        action="Revoke"
        body={
          <p>{revoking?.email} loses access to this tenant now and every session ends. Sync will not restore it.</p>
        }
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (revoking) await api('DELETE', `/admin/v1/tenants/${tenantId}/members/${revoking.accountId}`);
          list.reload();
        }}
      />
    </Section>
  );
}

const MEMBER_COLUMNS: Array<Column<Member>> = [
  { header: 'Email', cell: (m) => m.email },
  { header: 'Name', cell: (m) => (m.displayName as string | null) ?? '—' },
  {
    header: 'Status',
    cell: (m) => (
      <>
        <span className={`badge ${m.status}`}>{m.status}</span>
        {typeof m.revokedReason === 'string' ? <span className="muted"> ({m.revokedReason})</span> : null}
      </>
    ),
  },
  { header: 'Source', cell: (m) => (m.source === 'scim' ? 'SCIM' : 'Manual') },
  { header: 'Groups', cell: (m) => m.groups.map((g) => g.name).join(', ') || '—' },
  { header: 'Permissions', cell: (m) => m.permissions.join(', ') || '—' },
  { header: 'Sites', cell: (m) => m.sites.map((x) => x.name).join(', ') || '—' },
  { header: 'Since', cell: (m) => when(m.createdAt as string) },
];
