import { useState } from 'react';
import { api } from '../../api';
import { ListState, nothing, Section, Table, useSubmit } from '../../components/blocks';
import { ErrorNote, errorText, Field, splitList, useLoad } from '../../components/ui';
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

  const addGroup = useSubmit(async () => {
    await api('POST', `/admin/v1/tenants/${tenantId}/groups`, {
      name: groupName.trim(),
      permissions: splitList(permissions),
      siteIds,
    });
    setGroupName('');
    setPermissions('');
    setSiteIds([]);
    groups.reload();
  });
  const addSite = useSubmit(async () => {
    await api('POST', `/admin/v1/tenants/${tenantId}/sites`, { name: siteName.trim() });
    setSiteName('');
    sites.reload();
  });
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
  const deleteButton = (kind: 'groups' | 'sites') => ({
    header: 'Actions',
    hiddenHeader: true,
    cell: (x: { id: string; name: string }) => (
      <button type="button" className="link" onClick={() => void remove(kind, x.id)}>
        Delete {x.name}
      </button>
    ),
  });

  return (
    <>
      <ErrorNote error={error} />
      <Section title="Internal groups">
        <ListState
          what="internal groups"
          error={groups.error}
          loading={groups.loading}
          items={groups.data?.items}
          empty={nothing(
            'No internal groups yet.',
            "An internal group carries permissions and site access in your product. Create one below, then map the customer's SCIM groups onto it on the connection page.",
          )}
        >
          {(items) => (
            <Table
              caption="Internal groups"
              rows={items}
              rowKey={(g) => g.id}
              columns={[
                { header: 'Name', cell: (g) => g.name },
                { header: 'Permissions', cell: (g) => g.permissions.join(', ') || '—' },
                { header: 'Sites', cell: (g) => g.sites?.map((s) => s.name).join(', ') || '—' },
                deleteButton('groups'),
              ]}
            />
          )}
        </ListState>
        <form onSubmit={(e) => void addGroup.submit(e)} className="inline-form" aria-label="New internal group">
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
          <button type="submit" disabled={addGroup.busy}>
            Add group
          </button>
        </form>
        <ErrorNote error={addGroup.error} />
      </Section>
      <Section title="Sites">
        <ListState
          what="sites"
          error={sites.error}
          loading={sites.loading}
          items={sites.data?.items}
          empty={nothing(
            'No sites yet.',
            'Sites are the locations or workspaces an internal group grants access to. Add one below.',
          )}
        >
          {(items) => (
            <Table
              caption="Sites"
              rows={items}
              rowKey={(s) => s.id}
              columns={[{ header: 'Name', cell: (s) => s.name }, deleteButton('sites')]}
            />
          )}
        </ListState>
        <form onSubmit={(e) => void addSite.submit(e)} className="inline-form" aria-label="New site">
          <Field label="Site name">
            {(p) => <input {...p} required value={siteName} onChange={(e) => setSiteName(e.target.value)} />}
          </Field>
          <button type="submit" disabled={addSite.busy}>
            Add site
          </button>
        </form>
        <ErrorNote error={addSite.error} />
      </Section>
    </>
  );
}
