import { useEffect, useState, type FormEvent } from 'react';
import { api, qs } from '../../api';
import { Confirm, Empty, ErrorNote, errorText, Field, Loading, useLoad, when } from '../../components/ui';
import type { Member, Page } from '../../types';

/** A tenant's members: who has access, where it came from, and what it grants. */
export function MembersSection({ tenantId }: { tenantId: string }) {
  const [status, setStatus] = useState<'' | 'active' | 'revoked'>('');
  const list = useLoad(
    () => api<Page<Member>>('GET', `/admin/v1/tenants/${tenantId}/members${qs({ status, limit: 100 })}`),
    [tenantId, status],
  );
  const [more, setMore] = useState<Member[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Member | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', `/admin/v1/tenants/${tenantId}/members`, { email: email.trim() });
      setEmail('');
      list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const p = await api<Page<Member>>(
        'GET',
        `/admin/v1/tenants/${tenantId}/members${qs({ status, limit: 100, cursor })}`,
      );
      setMore((m) => [...m, ...p.items]);
      setCursor(p.nextCursor);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const items = [...(list.data?.items ?? []), ...more];
  return (
    <section aria-labelledby="members-h">
      <h2 id="members-h">Members</h2>
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
      <ErrorNote error={list.error ?? error} />
      {list.loading && !list.data ? (
        <Loading what="members" />
      ) : items.length === 0 ? (
        <Empty title="No members yet.">
          <p>
            Members appear when Sync provisions the users the IdP pushed (open a connection, then <strong>Sync</strong>
            ), or when you add a manual member below.
          </p>
        </Empty>
      ) : (
        <table>
          <caption className="sr-only">Members</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Source</th>
              <th scope="col">Groups</th>
              <th scope="col">Permissions</th>
              <th scope="col">Sites</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.accountId}>
                <td>{m.email}</td>
                <td>{(m.displayName as string | null) ?? '—'}</td>
                <td>
                  <span className={`badge ${m.status}`}>{m.status}</span>
                  {typeof m.revokedReason === 'string' ? <span className="muted"> ({m.revokedReason})</span> : null}
                </td>
                <td>{m.source === 'scim' ? 'SCIM' : 'Manual'}</td>
                <td>{m.groups.map((g) => g.name).join(', ') || '—'}</td>
                <td>{m.permissions.join(', ') || '—'}</td>
                <td>{m.sites.map((s) => s.name).join(', ') || '—'}</td>
                <td>{when(m.createdAt as string)}</td>
                <td>
                  {m.status === 'active' && (
                    <button type="button" className="link" onClick={() => setRevoking(m)}>
                      Revoke access for {m.email}
                    </button>
                  )}
                </td>
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
      <form onSubmit={(e) => void add(e)} className="inline-form" aria-label="Add a manual member">
        <Field label="Email" hint="A manual member is your product's own user; Sync never takes it over.">
          {(p) => <input {...p} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <button type="submit">Add member</button>
      </form>
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
    </section>
  );
}
