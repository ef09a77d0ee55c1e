import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, qs } from '../../api';
import { ListState, nothing, Section, Table, usePages, type Column } from '../../components/blocks';
import { Field, Loading, NotLoaded, useLoad, when } from '../../components/ui';
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
  const pages = usePages(
    (cursor) =>
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
    [connectionId, filters],
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    pages.first();
    setFilters({ ...draft, q: draft.q.trim() });
  };
  const filtered = filters.q !== '' || filters.status !== '' || filters.skipReason !== '';
  return (
    <Section title="SCIM users">
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
      <ListState
        what="SCIM users"
        error={pages.error}
        loading={pages.loading}
        items={pages.items}
        empty={
          filtered
            ? nothing('No SCIM user matches these filters.')
            : nothing(
                'The IdP has not pushed any user yet.',
                <>
                  Paste this connection's Tenant URL and a token into Entra (see <strong>Overview</strong>), assign
                  users to the app and turn provisioning on. Entra's users appear here after its next cycle.
                </>,
              )
        }
      >
        {(items) => <Table caption="SCIM users" columns={USER_COLUMNS} rows={items} rowKey={(u) => u.id} />}
      </ListState>
      {pages.buttons}
    </Section>
  );
}

const statusOf = (u: { active: boolean; deleted: boolean }) =>
  u.deleted ? 'deleted' : u.active ? 'active' : 'inactive';

const USER_COLUMNS: Array<Column<StagedUser>> = [
  { header: 'userName', cell: (u) => <Link to={u.id}>{u.userName}</Link> },
  { header: 'Display name', cell: (u) => u.displayName ?? '—' },
  { header: 'Email', cell: (u) => u.email ?? '—' },
  { header: 'Status', cell: statusOf },
  { header: 'Last synced', cell: (u) => when(u.syncedAt) },
  { header: 'Sync skip reason', cell: (u) => (u.syncSkipReason ? <code>{u.syncSkipReason}</code> : '—') },
];

interface StagedUserRecordView extends Pick<
  StagedUser,
  'id' | 'userName' | 'active' | 'deleted' | 'createdAt' | 'updatedAt' | 'syncedAt' | 'syncSkipReason'
> {
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
  if (!rec.data) return <NotLoaded what="SCIM user" notFound={rec.notFound} error={rec.error} level={2} />;
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
        <dd>{statusOf(r)}</dd>
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
