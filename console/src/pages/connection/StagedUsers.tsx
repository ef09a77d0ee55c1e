import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, qs } from '../../api';
import { Empty, ErrorNote, Field, Loading, NotFound, useLoad, when } from '../../components/ui';
import type { Page, StagedUser } from '../../types';

const SKIP_REASONS = ['domain_not_allowed', 'no_email', 'already_member', 'inactive', 'deleted'];

interface Filters {
  q: string;
  status: '' | 'active' | 'inactive' | 'deleted';
  skipReason: string;
}

/** What the IdP pushed, before Sync: server-side keyset paging and filters. */
export function StagedUsers({ connectionId }: { connectionId: string }) {
  const [draft, setDraft] = useState<Filters>({ q: '', status: '', skipReason: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () =>
      api<Page<StagedUser>>(
        'GET',
        `/admin/v1/scim-connections/${connectionId}/scim-users${qs({
          q: filters.q,
          status: filters.status,
          skipReason: filters.skipReason,
          cursor,
          limit: 50,
        })}`,
      ),
    [connectionId, filters, cursor],
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setCursors([undefined]);
    setFilters({ ...draft, q: draft.q.trim() });
  };
  const filtered = filters.q !== '' || filters.status !== '' || filters.skipReason !== '';
  return (
    <section aria-labelledby="su-h">
      <h2 id="su-h">SCIM users</h2>
      <form className="filters" onSubmit={apply} role="search" aria-label="Filter SCIM users">
        <Field label="User name or email">
          {(p) => (
            <input {...p} type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
          )}
        </Field>
        <Field label="Status">
          {(p) => (
            <select
              {...p}
              value={draft.status}
              onChange={(e) => setDraft({ ...draft, status: e.target.value as Filters['status'] })}
            >
              <option value="">All</option>
              <option value="active">Active</option>
              <option value="inactive">Inactive</option>
              <option value="deleted">Deleted</option>
            </select>
          )}
        </Field>
        <Field label="Sync skip reason">
          {(p) => (
            <select
              {...p}
              value={draft.skipReason}
              onChange={(e) => setDraft({ ...draft, skipReason: e.target.value })}
            >
              <option value="">Any</option>
              {SKIP_REASONS.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={page.error} />
      {page.loading && !page.data ? (
        <Loading what="SCIM users" />
      ) : page.data && page.data.items.length === 0 ? (
        filtered ? (
          <Empty title="No SCIM user matches these filters." />
        ) : (
          <Empty title="The IdP has not pushed any user yet.">
            <p>
              Paste this connection's Tenant URL and a token into Entra (see <strong>Overview</strong>), assign users to
              the app and turn provisioning on. Entra's users appear here after its next cycle.
            </p>
          </Empty>
        )
      ) : (
        page.data && (
          <table>
            <caption className="sr-only">SCIM users</caption>
            <thead>
              <tr>
                <th scope="col">userName</th>
                <th scope="col">Display name</th>
                <th scope="col">Email</th>
                <th scope="col">Status</th>
                <th scope="col">Last synced</th>
                <th scope="col">Sync skip reason</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((u) => (
                <tr key={u.id}>
                  <td>
                    <Link to={u.id}>{u.userName}</Link>
                  </td>
                  <td>{u.displayName ?? '—'}</td>
                  <td>{u.email ?? '—'}</td>
                  <td>{u.deleted ? 'deleted' : u.active ? 'active' : 'inactive'}</td>
                  <td>{when(u.syncedAt)}</td>
                  <td>{u.syncSkipReason ? <code>{u.syncSkipReason}</code> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <div className="actions">
        {cursors.length > 1 && (
          <button type="button" className="secondary" onClick={() => setCursors([undefined])}>
            First page
          </button>
        )}
        {page.data?.nextCursor && (
          <button type="button" className="secondary" onClick={() => setCursors([...cursors, page.data!.nextCursor!])}>
            Next page
          </button>
        )}
      </div>
    </section>
  );
}

interface StagedUserRecordView {
  id: string;
  userName: string;
  active: boolean;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
  syncedAt: string | null;
  syncSkipReason: string | null;
  resource: Record<string, unknown>;
  raw: unknown;
}

const CORE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

export function StagedUserDetail({ connectionId }: { connectionId: string }) {
  const { userId = '' } = useParams();
  const rec = useLoad(
    () =>
      api<StagedUserRecordView>(
        'GET',
        `/admin/v1/scim-connections/${connectionId}/scim-users/${encodeURIComponent(userId)}`,
      ),
    [connectionId, userId],
  );
  if (rec.loading && !rec.data) return <Loading what="the SCIM user" />;
  if (rec.notFound) return <NotFound what="SCIM user" level={2} />;
  if (!rec.data) return <ErrorNote error={rec.error} />;
  const r = rec.data;
  const attributes = Object.entries(r.resource).filter(
    ([k]) => !k.startsWith('urn:') && k !== 'schemas' && k !== 'meta',
  );
  const extensions = Object.entries(r.resource).filter(([k]) => k.startsWith('urn:') && k !== CORE_SCHEMA);
  return (
    <section aria-labelledby="sud-h">
      <p className="crumbs">
        <Link to="..">SCIM users</Link> / {r.userName}
      </p>
      <h2 id="sud-h">{r.userName}</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>{r.deleted ? 'deleted' : r.active ? 'active' : 'inactive'}</dd>
        <dt>Last sync outcome</dt>
        <dd>
          {r.syncSkipReason ? (
            <>
              skipped: <code>{r.syncSkipReason}</code>
            </>
          ) : r.syncedAt ? (
            'provisioned or up to date'
          ) : (
            'not synced yet'
          )}{' '}
          {r.syncedAt ? `(${when(r.syncedAt)})` : ''}
        </dd>
        <dt>Staged</dt>
        <dd>{when(r.createdAt)}</dd>
        <dt>Last change from the IdP</dt>
        <dd>{when(r.updatedAt)}</dd>
      </dl>
      <h3>Attributes</h3>
      <table>
        <caption className="sr-only">Attributes</caption>
        <thead>
          <tr>
            <th scope="col">Attribute</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {attributes.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>
                <code className="wrap">{typeof v === 'string' ? v : JSON.stringify(v)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Extensions</h3>
      {extensions.length === 0 ? (
        <p className="muted">No extension attributes.</p>
      ) : (
        extensions.map(([schema, v]) => (
          <div key={schema}>
            <h4 className="mono">{schema}</h4>
            <pre tabIndex={0}>{JSON.stringify(v, null, 2)}</pre>
          </div>
        ))
      )}
      <h3>Raw payload</h3>
      <p className="muted">The last body the IdP sent for this user, as received (passwords removed).</p>
      <pre tabIndex={0} aria-label="Raw payload">
        {r.raw === null || r.raw === undefined ? 'not kept' : JSON.stringify(r.raw, null, 2)}
      </pre>
    </section>
  );
}
