import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError } from '../../api';
import { ListState, nothing, Section, Table, type Column } from '../../components/blocks';
import { ErrorNote, errorText, useLoad, when, duration } from '../../components/ui';
import type { Page, SyncRun } from '../../types';

interface Schedule {
  enabled: boolean;
  cron: string;
  deprovisionCron: string;
  nextRunAt: string | null;
  nextDeprovisionRunAt: string | null;
}

interface Preview {
  generatedAt: string;
  counts: Record<string, number>;
  provision: Array<{ stagedUserId: string; userName: string; email: string }>;
  update: Array<{ stagedUserId: string; userName: string; changes: string[] }>;
  deprovision: Array<{ userName?: string; email?: string; reason?: string; accountId?: string }>;
  skip?: Array<{ userName: string; reason: string }>;
}

export const counts = (c: Record<string, number> | undefined): string =>
  c && Object.keys(c).length
    ? Object.entries(c)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : '—';

export function SyncSection({ connectionId }: { connectionId: string }) {
  const navigate = useNavigate();
  const runs = useLoad(
    () => api<Page<SyncRun>>('GET', `/admin/v1/scim-connections/${connectionId}/sync-runs?limit=20`),
    [connectionId],
  );
  const schedule = useLoad(async () => {
    try {
      return await api<Schedule>('GET', '/admin/v1/sync-schedule');
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, []);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState(false);
  const running = runs.data?.items.some((r) => r.status === 'in_progress' || r.status === 'running');

  useEffect(() => {
    if (!running) return;
    const t = setInterval(runs.reload, 1000);
    return () => clearInterval(t);
  }, [running, runs.reload]);

  const syncNow = async () => {
    setError(null);
    setBusy(true);
    try {
      const run = await api<SyncRun>('POST', `/admin/v1/scim-connections/${connectionId}/sync-runs`, {});
      void navigate(run.id);
    } catch (e) {
      setError(errorText(e));
      runs.reload();
    } finally {
      setBusy(false);
    }
  };
  const doPreview = async () => {
    setError(null);
    setBusy(true);
    try {
      setPreview(await api<Preview>('GET', `/admin/v1/scim-connections/${connectionId}/sync-preview?limit=100`));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Sync">
      <p>
        Sync turns the SCIM users the IdP pushed into members of this tenant: it provisions new users whose email is in
        the tenant's SSO domains, updates changed ones, revokes deactivated ones, and records why it skipped anyone.
      </p>
      <dl className="facts">
        <dt>Schedule</dt>
        <dd>
          {schedule.data === undefined
            ? '…'
            : schedule.data === null
              ? 'not available'
              : schedule.data.enabled
                ? `${schedule.data.cron} (UTC); deprovisioning ${schedule.data.deprovisionCron}`
                : 'scheduled runs are off on this Roster; run Sync now by hand'}
        </dd>
        <dt>Next scheduled run</dt>
        <dd>{schedule.data?.enabled ? when(schedule.data.nextRunAt) : '—'}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void syncNow()} disabled={busy}>
          Sync now
        </button>
        <button type="button" className="secondary" onClick={() => void doPreview()} disabled={busy}>
          Preview
        </button>
      </div>
      <ErrorNote error={error ?? schedule.error} />
      {preview && (
        <section aria-labelledby="preview-h" className="panel">
          <h3 id="preview-h">Preview</h3>
          <p>
            What a full run would do now ({when(preview.generatedAt)}): {counts(preview.counts)}.
          </p>
          <PreviewList title="Would provision" rows={preview.provision.map((p) => `${p.userName} (${p.email})`)} />
          <PreviewList
            title="Would update"
            rows={preview.update.map((p) => `${p.userName}: ${p.changes.join(', ')}`)}
          />
          <PreviewList
            title="Would revoke"
            rows={preview.deprovision.map(
              (p) => `${p.userName ?? p.email ?? p.accountId ?? ''} ${p.reason ? `(${p.reason})` : ''}`,
            )}
          />
          {preview.skip && (
            <PreviewList title="Would skip" rows={preview.skip.map((p) => `${p.userName}: ${p.reason}`)} />
          )}
        </section>
      )}
      <h3>History</h3>
      <ListState
        what="sync runs"
        error={runs.error}
        loading={runs.loading}
        items={runs.data?.items}
        empty={nothing(
          'No sync run yet.',
          <>
            Use <strong>Preview</strong> to see what a run would do, then <strong>Sync now</strong>.
          </>,
        )}
      >
        {(items) => <Table caption="Sync runs" columns={RUN_COLUMNS} rows={items} rowKey={(r) => r.id} />}
      </ListState>
    </Section>
  );
}

const RUN_COLUMNS: Array<Column<SyncRun>> = [
  {
    header: 'Status',
    cell: (r) => (
      <Link to={r.id}>
        <span className={`badge ${r.status}`}>{r.status.replace('_', ' ')}</span>
      </Link>
    ),
  },
  { header: 'Trigger', cell: (r) => r.trigger },
  { header: 'Mode', cell: (r) => r.mode },
  { header: 'Started', cell: (r) => when(r.startedAt) },
  { header: 'Duration', cell: (r) => duration(r.startedAt, r.finishedAt) },
  { header: 'Counts', cell: (r) => counts(r.counts) },
];

function PreviewList({ title, rows }: { title: string; rows: string[] }) {
  return (
    <>
      <h4>
        {title} ({rows.length})
      </h4>
      {rows.length === 0 ? (
        <p className="muted">Nobody.</p>
      ) : (
        <ul>
          {rows.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}
    </>
  );
}
