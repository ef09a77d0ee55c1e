import { Link, Route, Routes, useParams } from 'react-router';
import { api } from '../api';
import { Tabs } from '../components/blocks';
import { Loading, NotLoaded, useLoad } from '../components/ui';
import type { Connection, Tenant } from '../types';
import { ConnectionOverview } from './connection/ConnectionOverview';
import { RunDetail } from './connection/RunDetail';
import { StagedGroups } from './connection/StagedGroups';
import { StagedUserDetail, StagedUsers } from './connection/StagedUsers';
import { SyncSection } from './connection/SyncSection';
import { MembersSection } from './tenant/MembersSection';

export function ConnectionPage() {
  const { connectionId = '' } = useParams();
  const conn = useLoad(async () => {
    const c = await api<Connection>('GET', `/admin/v1/scim-connections/${encodeURIComponent(connectionId)}`);
    const t = await api<Tenant>('GET', `/admin/v1/tenants/${c.tenantId}`);
    return { c, t };
  }, [connectionId]);
  if (conn.loading && !conn.data) return <Loading what="the connection" />;
  if (!conn.data) return <NotLoaded what="SCIM connection" notFound={conn.notFound} error={conn.error} />;
  const { c, t } = conn.data;
  const base = `/connections/${c.id}`;
  return (
    <>
      <p className="crumbs">
        <Link to="/">Tenants</Link> / <Link to={`/tenants/${t.id}`}>{t.name}</Link> / {c.name || c.id}
      </p>
      <h1>{c.name || 'SCIM connection'}</h1>
      <Tabs
        label="Connection"
        base={base}
        tabs={[
          ['', 'Overview'],
          ['users', 'SCIM users'],
          ['groups', 'SCIM groups'],
          ['sync', 'Sync'],
          ['members', 'Members'],
        ]}
      />
      <Routes>
        <Route index element={<ConnectionOverview connection={c} tenant={t} onChanged={conn.reload} />} />
        <Route path="users" element={<StagedUsers connectionId={c.id} />} />
        <Route path="users/:userId" element={<StagedUserDetail connectionId={c.id} />} />
        <Route path="groups" element={<StagedGroups connectionId={c.id} />} />
        <Route path="sync" element={<SyncSection connectionId={c.id} />} />
        <Route path="sync/:runId" element={<RunDetail connectionId={c.id} />} />
        <Route path="members" element={<MembersSection tenantId={t.id} />} />
      </Routes>
    </>
  );
}
