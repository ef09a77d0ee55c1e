import { useState } from 'react';
import { api, qs } from '../../api';
import { ListState, nothing, Section, Table, usePages } from '../../components/blocks';
import { ErrorNote, Loading, useLoad, when } from '../../components/ui';
import type { Page, StagedGroup } from '../../types';

interface GroupMembers {
  items: Array<{ value: string; type: string; display: string | null }>;
}

export function StagedGroups({ connectionId }: { connectionId: string }) {
  const [open, setOpen] = useState<string | null>(null);
  const pages = usePages(
    (cursor) =>
      api<Page<StagedGroup>>(
        'GET',
        `/admin/v1/scim-connections/${connectionId}/scim-groups${qs({ cursor, limit: 50 })}`,
      ),
    [connectionId],
  );
  return (
    <Section title="SCIM groups">
      <ListState
        what="SCIM groups"
        error={pages.error}
        loading={pages.loading}
        items={pages.items}
        empty={nothing(
          'The IdP has not pushed any group yet.',
          <>
            Assign groups to the app in Entra (with “Sync only assigned users and groups”) and they appear here. Map
            them to internal groups on the connection's <strong>Overview</strong>.
          </>,
        )}
      >
        {(items) => (
          <Table
            caption="SCIM groups"
            rows={items}
            rowKey={(g) => g.id}
            columns={[
              {
                header: 'displayName',
                cell: (g) => (
                  <>
                    <button
                      type="button"
                      className="link"
                      aria-expanded={open === g.id}
                      onClick={() => setOpen(open === g.id ? null : g.id)}
                    >
                      {g.displayName}
                    </button>
                    {open === g.id && <Members connectionId={connectionId} groupId={g.id} />}
                  </>
                ),
              },
              { header: 'externalId', cell: (g) => g.externalId ?? '—' },
              { header: 'Members', cell: (g) => g.memberCount ?? '—' },
              { header: 'Status', cell: (g) => (g.deleted ? 'deleted' : 'live') },
              { header: 'Staged', cell: (g) => when(g.createdAt) },
            ]}
          />
        )}
      </ListState>
      {pages.buttons}
    </Section>
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
