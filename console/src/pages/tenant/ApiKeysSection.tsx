import { api } from '../../api';
import { useAuth } from '../../auth';
import { Empty, ErrorNote, Loading, useLoad, when } from '../../components/ui';
import { ApiError } from '../../api';

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
    <section aria-labelledby="keys-h">
      <h2 id="keys-h">API keys</h2>
      <ErrorNote error={keys.error} />
      {keys.loading && !keys.data ? (
        <Loading what="API keys" />
      ) : keys.data?.kind === 'forbidden' ? (
        <p>Only an admin key can see and create API keys.</p>
      ) : keys.data?.kind === 'unavailable' ? (
        <p>Named API keys are not available on this Roster yet: the admin API uses its bootstrap ADMIN_TOKEN.</p>
      ) : keys.data?.kind === 'ok' && keys.data.items.length === 0 ? (
        <Empty title="No API keys for this tenant.">
          <p>
            A tenant key lets the customer's own admins use this console and the admin API for this tenant only; a
            sessions key is for your product's backend. Create them with <code>POST /admin/v1/api-keys</code>.
          </p>
        </Empty>
      ) : (
        keys.data?.kind === 'ok' && (
          <table>
            <caption className="sr-only">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>{k.scope}</td>
                  <td>
                    <code>{k.prefix ?? '—'}</code>
                  </td>
                  <td>{when(k.createdAt)}</td>
                  <td>{when(k.lastUsedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}
