import { useState } from 'react';
import { api, qs } from '../../api';
import { Empty, ErrorNote, Loading, useLoad, when } from '../../components/ui';
import type { Page, StagedGroup } from '../../types';

interface GroupMembers {
  items: Array<{ value: string; type: string; display: string | null }>;
}

export function StagedGroups({ connectionId }: { connectionId: string }) {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [open, setOpen] = useState<string | null>(null);
  const page = useLoad(
    () =>
      api<Page<StagedGroup>>(
        'GET',
        `/admin/v1/scim-connections/${connectionId}/scim-groups${qs({ cursor, limit: 50 })}`,
      ),
    [connectionId, cursor],
  );
  return (
    <section aria-labelledby="sg-h">
      <h2 id="sg-h">SCIM groups</h2>
      <ErrorNote error={page.error} />
      {page.loading && !page.data ? (
        <Loading what="SCIM groups" />
      ) : page.data && page.data.items.length === 0 ? (
        <Empty title="The IdP has not pushed any group yet.">
          <p>
            Assign groups to the app in Entra (with “Sync only assigned users and groups”) and they appear here. Map
            them to internal groups on the connection's <strong>Overview</strong>.
          </p>
        </Empty>
      ) : (
        page.data && (
          <table>
            <caption className="sr-only">SCIM groups</caption>
            <thead>
              <tr>
                <th scope="col">displayName</th>
                <th scope="col">externalId</th>
                <th scope="col">Members</th>
                <th scope="col">Status</th>
                <th scope="col">Staged</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((g) => (
                <tr key={g.id}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-expanded={open === g.id}
                      onClick={() => setOpen(open === g.id ? null : g.id)}
                    >
                      {g.displayName}
                    </button>
                    {open === g.id && <Members connectionId={connectionId} groupId={g.id} />}
                  </td>
                  <td>{g.externalId ?? '—'}</td>
                  <td>{g.memberCount ?? '—'}</td>
                  <td>{g.deleted ? 'deleted' : 'live'}</td>
                  <td>{when(g.createdAt)}</td>
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

function Members({ connectionId, groupId }: { connectionId: string; groupId: string }) {
  const m = useLoad(
    () => api<GroupMembers>('GET', `/admin/v1/scim-connections/${connectionId}/scim-groups/${groupId}/members`),
    [connectionId, groupId],
  );
  if (m.loading && !m.data) return <Loading what="members" />;
  if (m.error) return <ErrorNote error={m.error} />;
  if (!m.data || m.data.items.length === 0) return <p className="muted">No members.</p>;
  return (
    <ul className="members">
      {m.data.items.map((x) => (
        <li key={x.value}>
          {x.display ?? x.value} <span className="muted">({x.type})</span>
        </li>
      ))}
    </ul>
  );
}
