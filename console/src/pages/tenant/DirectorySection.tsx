import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { Empty, ErrorNote, errorText, Field, Loading, splitList, useLoad } from '../../components/ui';
import type { InternalGroup, Site } from '../../types';

/** Internal groups (permissions + site access) and sites: what SCIM groups map onto. */
export function DirectorySection({ tenantId }: { tenantId: string }) {
  const groups = useLoad(
    () => api<{ items: InternalGroup[] }>('GET', `/admin/v1/tenants/${tenantId}/groups`),
    [tenantId],
  );
  const sites = useLoad(() => api<{ items: Site[] }>('GET', `/admin/v1/tenants/${tenantId}/sites`), [tenantId]);
  const [groupName, setGroupName] = useState('');
  const [permissions, setPermissions] = useState('');
  const [siteIds, setSiteIds] = useState<string[]>([]);
  const [siteName, setSiteName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const addGroup = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', `/admin/v1/tenants/${tenantId}/groups`, {
        name: groupName.trim(),
        permissions: splitList(permissions),
        siteIds,
      });
      setGroupName('');
      setPermissions('');
      setSiteIds([]);
      groups.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const addSite = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', `/admin/v1/tenants/${tenantId}/sites`, { name: siteName.trim() });
      setSiteName('');
      sites.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (kind: 'groups' | 'sites', id: string) => {
    setError(null);
    try {
      await api('DELETE', `/admin/v1/tenants/${tenantId}/${kind}/${id}`);
      groups.reload();
      sites.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <>
      <ErrorNote error={error} />
      <section aria-labelledby="groups-h">
        <h2 id="groups-h">Internal groups</h2>
        <ErrorNote error={groups.error} />
        {groups.loading && !groups.data ? (
          <Loading what="internal groups" />
        ) : groups.data?.items.length === 0 ? (
          <Empty title="No internal groups yet.">
            <p>
              An internal group carries permissions and site access in your product. Create one below, then map the
              customer's SCIM groups onto it on the connection page.
            </p>
          </Empty>
        ) : (
          <table>
            <caption className="sr-only">Internal groups</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Permissions</th>
                <th scope="col">Sites</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.data?.items.map((g) => (
                <tr key={g.id}>
                  <td>{g.name}</td>
                  <td>{g.permissions.join(', ') || '—'}</td>
                  <td>{g.sites?.map((s) => s.name).join(', ') || '—'}</td>
                  <td>
                    <button type="button" className="link" onClick={() => void remove('groups', g.id)}>
                      Delete {g.name}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form onSubmit={(e) => void addGroup(e)} className="inline-form" aria-label="New internal group">
          <Field label="Group name">
            {(p) => <input {...p} required value={groupName} onChange={(e) => setGroupName(e.target.value)} />}
          </Field>
          <Field label="Permissions" hint="Separated by commas, e.g. audit.read, reports.view">
            {(p) => <input {...p} value={permissions} onChange={(e) => setPermissions(e.target.value)} />}
          </Field>
          {sites.data && sites.data.items.length > 0 && (
            <fieldset>
              <legend>Sites</legend>
              {sites.data.items.map((s) => (
                <label key={s.id} className="check">
                  <input
                    type="checkbox"
                    checked={siteIds.includes(s.id)}
                    onChange={(e) =>
                      setSiteIds((ids) => (e.target.checked ? [...ids, s.id] : ids.filter((i) => i !== s.id)))
                    }
                  />
                  {s.name}
                </label>
              ))}
            </fieldset>
          )}
          <button type="submit">Add group</button>
        </form>
      </section>
      <section aria-labelledby="sites-h">
        <h2 id="sites-h">Sites</h2>
        <ErrorNote error={sites.error} />
        {sites.data?.items.length === 0 ? (
          <Empty title="No sites yet.">
            <p>Sites are the locations or workspaces an internal group grants access to. Add one below.</p>
          </Empty>
        ) : (
          <table>
            <caption className="sr-only">Sites</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sites.data?.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td>
                    <button type="button" className="link" onClick={() => void remove('sites', s.id)}>
                      Delete {s.name}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form onSubmit={(e) => void addSite(e)} className="inline-form" aria-label="New site">
          <Field label="Site name">
            {(p) => <input {...p} required value={siteName} onChange={(e) => setSiteName(e.target.value)} />}
          </Field>
          <button type="submit">Add site</button>
        </form>
      </section>
    </>
  );
}
