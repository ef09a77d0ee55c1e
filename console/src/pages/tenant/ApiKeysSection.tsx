import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { ListState, nothing, Section, Table, useLoadMore } from '../../components/blocks';
import { when } from '../../components/ui';
import type { Page } from '../../types';

interface ApiKey {
  id: string;
  name: string;
  scope: string;
  tenantId: string | null;
  prefix?: string;
  createdAt: string;
  lastUsedAt?: string | null;
}

/** The tenant's named API keys: an admin key or the tenant's own key may list them; only admins mint and revoke. */
export function ApiKeysSection({ tenantId }: { tenantId: string }) {
  const { principal } = useAuth();
  const keys = useLoadMore(
    (cursor) => api<Page<ApiKey>>('GET', `/admin/v1/api-keys${qs({ tenantId, limit: 100, cursor })}`),
    [tenantId],
  );
  return (
    <Section title="API keys">
      <ListState
        what="API keys"
        error={keys.error}
        loading={keys.loading}
        items={keys.items}
        empty={nothing(
          'No API keys for this tenant.',
          <>
            A tenant key lets the customer's own admins use this console and the admin API for this tenant only; a
            sessions key is for your product's backend.{' '}
            {principal.scope === 'admin' ? (
              <>
                Create them with <code>POST /admin/v1/api-keys</code>.
              </>
            ) : (
              'An admin key creates them.'
            )}
          </>,
        )}
      >
        {(items) => (
          <Table
            caption="API keys"
            rows={items}
            rowKey={(k) => k.id}
            columns={[
              { header: 'Name', cell: (k) => k.name },
              { header: 'Scope', cell: (k) => k.scope },
              { header: 'Prefix', cell: (k) => <code>{k.prefix ?? '—'}</code> },
              { header: 'Created', cell: (k) => when(k.createdAt) },
              { header: 'Last used', cell: (k) => when(k.lastUsedAt) },
            ]}
          />
        )}
      </ListState>
      {keys.button}
    </Section>
  );
}
