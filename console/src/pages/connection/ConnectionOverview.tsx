import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { FormDialog, ListState, nothing, Section, Table, useSubmit } from '../../components/blocks';
import { Confirm, CopyButton, Dialog, Empty, ErrorNote, Field, Loading, useLoad, when } from '../../components/ui';
import type { Connection, InternalGroup, IssuedToken, Tenant, Token } from '../../types';

interface OverviewProps {
  connection: Connection;
  tenant: Tenant;
  onChanged: () => void;
}

export function ConnectionOverview({ connection, tenant, onChanged }: OverviewProps) {
  const tokens = useLoad(
    () => api<{ items: Token[] }>('GET', `/admin/v1/scim-connections/${connection.id}/tokens`),
    [connection.id],
  );
  return (
    <>
      <Section title="Tenant URL">
        <div className="copy-row">
          <Field label="Tenant URL">
            {(p) => <input {...p} readOnly value={connection.tenantUrl} className="mono wide" />}
          </Field>
          <CopyButton value={connection.tenantUrl} />
        </div>
        <details open={tokens.data?.items.length === 0 ? true : undefined} className="steps">
          <summary>Connect Microsoft Entra ID</summary>
          <ol>
            <li>
              In the Azure portal open <strong>Entra ID → Enterprise applications</strong>, your app, then{' '}
              <strong>Provisioning</strong> and <strong>Connect your application</strong>.
            </li>
            <li>
              Paste the <strong>Tenant URL</strong> above, and a token from <strong>New token</strong> below as the{' '}
              <strong>Secret Token</strong>.
            </li>
            <li>
              Click <strong>Test Connection</strong>: it must succeed. Then <strong>Create</strong>.
            </li>
            <li>
              Keep the default attribute mappings (<code>userPrincipalName → userName</code>,{' '}
              <code>mail → emails[type eq "work"].value</code>, <code>Switch([IsSoftDeleted]…) → active</code>), assign
              users or groups, and set Provisioning Status to <strong>On</strong>.
            </li>
            <li>
              Entra pushes users within about 40 minutes; they appear under <strong>SCIM users</strong>. Run{' '}
              <strong>Sync</strong> to make them members of {tenant.name}.
            </li>
          </ol>
        </details>
      </Section>
      <Health connection={connection} tokens={tokens.data?.items} />
      <Tokens connectionId={connection.id} tokens={tokens} />
      <GroupMappings connectionId={connection.id} tenantId={tenant.id} />
      <DangerZone connection={connection} tenant={tenant} onChanged={onChanged} />
    </>
  );
}

function Health({ connection, tokens }: { connection: Connection; tokens?: Token[] }) {
  const lastTokenUse = tokens
    ?.map((t) => t.lastUsedAt)
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
  // The health fields come with newer Roster versions; without them the page says "not available".
  const has = (k: string) => Object.prototype.hasOwnProperty.call(connection, k);
  const last24h = connection.last24h;
  const run = connection.lastSyncRun;
  const lastRequest = has('lastRequestAt') ? connection.lastRequestAt : lastTokenUse;
  return (
    <Section title="Connection health">
      <dl className="facts">
        <dt>Last request</dt>
        <dd>{lastRequest ? when(lastRequest) : 'none yet'}</dd>
        <dt>Requests in 24 h</dt>
        <dd>{last24h ? String(last24h.requests) : 'not available'}</dd>
        <dt>Errors in 24 h</dt>
        <dd>
          {last24h
            ? `${last24h.clientErrors + last24h.serverErrors} (${last24h.clientErrors} refused by Roster as invalid or unauthorised, ${last24h.serverErrors} server errors)`
            : 'not available'}
        </dd>
        <dt>Last sync run</dt>
        <dd>
          {run ? (
            <Link to={`sync/${run.id}`}>
              {run.status.replace('_', ' ')} ({when(run.at)})
            </Link>
          ) : has('lastSyncRun') ? (
            'none yet'
          ) : (
            'not available'
          )}
        </dd>
      </dl>
      {!lastRequest && (
        <p className="muted">
          No request from the IdP yet. Once Entra's <strong>Test Connection</strong> succeeds, its calls show up here.
        </p>
      )}
    </Section>
  );
}

function Tokens({
  connectionId,
  tokens,
}: {
  connectionId: string;
  tokens: ReturnType<typeof useLoad<{ items: Token[] }>>;
}) {
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('Entra ID — Production');
  const [secret, setSecret] = useState<IssuedToken | null>(null);
  const [rotating, setRotating] = useState<Token | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const form = useSubmit(async () => {
    const t = await api<IssuedToken>('POST', `/admin/v1/scim-connections/${connectionId}/tokens`, {
      name: name.trim(),
    });
    setNaming(false);
    setSecret(t);
    tokens.reload();
  });
  return (
    <Section
      title="Tokens"
      action={
        <button type="button" onClick={() => setNaming(true)}>
          New token
        </button>
      }
    >
      <p className="muted">
        At most two tokens are active at a time, so a rotation can roll out without downtime: create the second, update
        the IdP, then revoke the first.
      </p>
      <ListState
        what="tokens"
        error={tokens.error}
        loading={tokens.loading}
        items={tokens.data?.items}
        empty={nothing(
          'No active token.',
          <>
            The IdP needs a token to call Roster. Create one with <strong>New token</strong> and paste it into Entra's{' '}
            <strong>Secret Token</strong> field.
          </>,
        )}
      >
        {(items) => (
          <Table
            caption="Tokens"
            rows={items}
            rowKey={(t) => t.id}
            columns={[
              { header: 'Name', cell: (t) => t.name },
              { header: 'Prefix', cell: (t) => <code>{t.prefix}…</code> },
              { header: 'Created', cell: (t) => when(t.createdAt) },
              { header: 'Last used', cell: (t) => (t.lastUsedAt ? when(t.lastUsedAt) : 'never') },
              {
                header: 'Actions',
                hiddenHeader: true,
                className: 'row-actions',
                cell: (t) => (
                  <>
                    <button type="button" className="secondary" onClick={() => setRotating(t)}>
                      Rotate
                    </button>
                    <button type="button" className="danger" onClick={() => setRevoking(t)}>
                      Revoke
                    </button>
                  </>
                ),
              },
            ]}
          />
        )}
      </ListState>
      <FormDialog open={naming} title="New token" form={form} onClose={() => setNaming(false)}>
        <Field label="Name" hint="Where the token will be used, e.g. “Entra ID — Production”.">
          {(p) => <input {...p} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
      </FormDialog>
      <Dialog open={secret !== null} title="Copy the secret token now" onClose={() => setSecret(null)}>
        <p>
          This is the only time Roster shows <strong>{secret?.name}</strong>. Paste it into Entra's{' '}
          <strong>Secret Token</strong> field. Roster keeps only its hash; if it is lost, create a new token.
        </p>
        <div className="copy-row">
          <Field label="Secret token">
            {(p) => <input {...p} readOnly value={secret?.token ?? ''} className="mono wide" />}
          </Field>
          <CopyButton value={secret?.token ?? ''} />
        </div>
        <div className="actions">
          <button type="button" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      </Dialog>
      <Confirm
        open={rotating !== null}
        title={`Rotate “${rotating?.name ?? ''}”`}
        action="Rotate"
        body={
          <p>
            A new secret replaces this token now: the IdP's current secret is refused from this moment until you paste
            the new one. To rotate without downtime, use <strong>New token</strong> instead and revoke this one later.
          </p>
        }
        onClose={() => setRotating(null)}
        onConfirm={async () => {
          if (!rotating) return;
          const t = await api<IssuedToken>(
            'POST',
            `/admin/v1/scim-connections/${connectionId}/tokens/${rotating.id}/rotate`,
          );
          setSecret(t);
          tokens.reload();
        }}
      />
      <Confirm
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”`}
        action="Revoke"
        body={<p>The IdP's calls with this token are refused (401) from this moment. This cannot be undone.</p>}
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (revoking) await api('DELETE', `/admin/v1/scim-connections/${connectionId}/tokens/${revoking.id}`);
          tokens.reload();
        }}
      />
    </Section>
  );
}

interface MappingRow {
  key: 'displayName' | 'externalId';
  value: string;
  internalGroupId: string;
}

function GroupMappings({ connectionId, tenantId }: { connectionId: string; tenantId: string }) {
  const data = useLoad(async () => {
    const [m, g] = await Promise.all([
      api<{ mappings: Array<{ scimGroup: Record<string, string>; internalGroupId: string }> }>(
        'GET',
        `/admin/v1/scim-connections/${connectionId}/group-mappings`,
      ),
      api<{ items: InternalGroup[] }>('GET', `/admin/v1/tenants/${tenantId}/groups`),
    ]);
    return { mappings: m.mappings, groups: g.items };
  }, [connectionId, tenantId]);
  const [rows, setRows] = useState<MappingRow[] | null>(null);
  const [saved, setSaved] = useState(false);
  const current: MappingRow[] =
    rows ??
    (data.data?.mappings ?? []).map((m) => ({
      key: 'externalId' in m.scimGroup ? 'externalId' : 'displayName',
      value: m.scimGroup.externalId ?? m.scimGroup.displayName ?? '',
      internalGroupId: m.internalGroupId,
    }));
  const update = (i: number, patch: Partial<MappingRow>) => {
    setSaved(false);
    setRows(current.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const save = useSubmit(async () => {
    await api('PUT', `/admin/v1/scim-connections/${connectionId}/group-mappings`, {
      mappings: current.map((r) => ({ scimGroup: { [r.key]: r.value.trim() }, internalGroupId: r.internalGroupId })),
    });
    setRows(null);
    setSaved(true);
    data.reload();
  });
  const groups = data.data?.groups ?? [];
  return (
    <Section title="Group mappings">
      <p className="muted">
        Members of a SCIM group get the permissions and sites of the internal group it maps to when Sync runs.
      </p>
      <ErrorNote error={data.error ?? save.error} />
      {data.loading && !data.data ? (
        <Loading what="group mappings" />
      ) : groups.length === 0 ? (
        <Empty title="No internal groups to map onto.">
          <p>Create internal groups on the tenant's “Groups and sites” page first.</p>
        </Empty>
      ) : (
        <form onSubmit={(e) => void save.submit(e)}>
          {current.length === 0 && <p>No mappings: provisioned members get no group, permission or site.</p>}
          {current.map((r, i) => (
            <fieldset key={i} className="mapping">
              <legend>Mapping {i + 1}</legend>
              <Field label="Match SCIM group by">
                {(p) => (
                  <select
                    {...p}
                    value={r.key}
                    onChange={(e) => update(i, { key: e.target.value as MappingRow['key'] })}
                  >
                    <option value="displayName">displayName</option>
                    <option value="externalId">externalId</option>
                  </select>
                )}
              </Field>
              <Field label="SCIM group">
                {(p) => (
                  <input {...p} required value={r.value} onChange={(e) => update(i, { value: e.target.value })} />
                )}
              </Field>
              <Field label="Internal group">
                {(p) => (
                  <select
                    {...p}
                    value={r.internalGroupId}
                    onChange={(e) => update(i, { internalGroupId: e.target.value })}
                  >
                    {groups.map((g) => (
                      <option key={g.id} value={g.id}>
                        {g.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <button
                type="button"
                className="link"
                onClick={() => {
                  setSaved(false);
                  setRows(current.filter((_, j) => j !== i));
                }}
              >
                Remove mapping {i + 1}
              </button>
            </fieldset>
          ))}
          <div className="actions">
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setSaved(false);
                setRows([...current, { key: 'displayName', value: '', internalGroupId: groups[0].id }]);
              }}
            >
              Add mapping
            </button>
            <button type="submit" disabled={save.busy}>
              Save mappings
            </button>
          </div>
          <p role="status" className="muted">
            {saved ? 'Mappings saved. They apply from the next sync run.' : ''}
          </p>
        </form>
      )}
    </Section>
  );
}

function DangerZone({ connection, tenant, onChanged }: OverviewProps) {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  return (
    <Section title="Danger zone" className="danger-zone">
      <p>
        Deleting this connection stops its tokens at once: the IdP's calls are refused. Staged users and groups are kept
        for audit, and the members it provisioned keep their access until you revoke them.
      </p>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Delete connection
      </button>
      <Confirm
        open={open}
        title={`Delete “${connection.name || connection.id}”`}
        action="Delete connection"
        body={
          <p>
            The IdP can no longer provision into {tenant.name} through this connection. Its tokens stop working now.
            This cannot be undone.
          </p>
        }
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          await api('DELETE', `/admin/v1/scim-connections/${connection.id}`);
          onChanged();
          void navigate(`/tenants/${tenant.id}`);
        }}
      />
    </Section>
  );
}
