import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { ListState, nothing, Section, Table } from '../../components/blocks';
import { useLoad, when } from '../../components/ui';

interface ApiKey {
  id: string;
  name: string;
  scope: string;
  tenantId: string | null;
  prefix?: string;
  createdAt: string;
  lastUsedAt?: string | null;
}

/** The tenant's named API keys (admins only), when this Roster has named keys. */
export function ApiKeysSection({ tenantId }: { tenantId: string }) {
  const { principal } = useAuth();
  const keys = useLoad(async () => {
    if (principal.scope !== 'admin') return { kind: 'forbidden' as const };
    try {
      const r = await api<{ items: ApiKey[] }>('GET', '/admin/v1/api-keys');
      return { kind: 'ok' as const, items: r.items.filter((k) => k.tenantId === tenantId) };
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return { kind: 'unavailable' as const };
      throw e;
    }
  }, [tenantId, principal.scope]);
  return (
    <Section title="API keys">
      {keys.data?.kind === 'forbidden' ? (
        <p>Only an admin key can see and create API keys.</p>
      ) : keys.data?.kind === 'unavailable' ? (
        <p>Named API keys are not available on this Roster yet: the admin API uses its bootstrap ADMIN_TOKEN.</p>
      ) : (
        <ListState
          what="API keys"
          error={keys.error}
          loading={keys.loading}
          items={keys.data?.items}
          empty={nothing(
            'No API keys for this tenant.',
            <>
              A tenant key lets the customer's own admins use this console and the admin API for this tenant only; a
              sessions key is for your product's backend. Create them with <code>POST /admin/v1/api-keys</code>.
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
      )}
    </Section>
  );
}
