import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, qs } from '../../api';
import { Table } from '../../components/blocks';
import { ErrorNote, errorText, Loading, NotFound, NotLoaded, useLoad, when, duration } from '../../components/ui';
import type { SyncRun } from '../../types';
import { counts } from './SyncSection';

interface Skip {
  stagedUserId: string;
  userName: string;
  reason: string;
  detail: unknown;
}
interface RunDetailView extends SyncRun {
  modeReason?: string | null;
  error?: string | null;
  steps: Array<{
    name: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    counts: Record<string, number>;
    detail: unknown;
  }>;
  skips: { items: Skip[]; nextCursor: string | null };
}

const detailText = (d: unknown): string =>
  d === null || d === undefined ? '' : typeof d === 'string' ? d : JSON.stringify(d);

export function RunDetail({ connectionId }: { connectionId: string }) {
  const { runId = '' } = useParams();
  const run = useLoad(() => api<RunDetailView>('GET', `/admin/v1/sync-runs/${encodeURIComponent(runId)}`), [runId]);
  const [more, setMore] = useState<Skip[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = run.data?.status === 'in_progress' || run.data?.status === 'running';

  useEffect(() => {
    if (!live) return;
    const t = setInterval(run.reload, 1000);
    return () => clearInterval(t);
  }, [live, run.reload]);
  useEffect(() => {
    setMore([]);
    setCursor(run.data?.skips.nextCursor ?? null);
  }, [run.data]);

  if (run.loading && !run.data) return <Loading what="the sync run" />;
  if (!run.data) return <NotLoaded what="Sync run" notFound={run.notFound} error={run.error} level={2} />;
  // A run id of another connection (an edited URL) is not this connection's run.
  if (run.data.connectionId !== connectionId) return <NotFound what="Sync run" level={2} />;
  const r = run.data;
  const skips = [...r.skips.items, ...more];
  return (
    <section aria-labelledby="run-h">
      <p className="crumbs">
        <Link to={`/connections/${connectionId}/sync`}>Sync</Link> / run of {when(r.startedAt)}
      </p>
      <h2 id="run-h">Sync run</h2>
      <p role="status" aria-live="polite">
        <span className={`badge ${r.status}`}>{r.status.replace('_', ' ')}</span>{' '}
        {live ? 'Running — this page updates by itself.' : `Finished after ${duration(r.startedAt, r.finishedAt)}.`}
      </p>
      <dl className="facts">
        <dt>Trigger</dt>
        <dd>{r.trigger}</dd>
        <dt>Mode</dt>
        <dd>
          {r.mode}
          {r.modeReason ? ` (${r.modeReason})` : ''}
        </dd>
        <dt>Started</dt>
        <dd>{when(r.startedAt)}</dd>
        <dt>Counts</dt>
        <dd>{counts(r.counts)}</dd>
        {r.error && (
          <>
            <dt>Error</dt>
            <dd>{r.error}</dd>
          </>
        )}
      </dl>
      <h3>Steps</h3>
      {r.steps.length === 0 ? (
        <p className="muted">No step has started yet.</p>
      ) : (
        <Table
          caption="Steps"
          rows={r.steps}
          rowKey={(s, i) => `${s.name}-${i}`}
          columns={[
            { header: 'Step', cell: (s) => s.name },
            { header: 'Status', cell: (s) => s.status },
            { header: 'Started', cell: (s) => when(s.startedAt) },
            { header: 'Duration', cell: (s) => duration(s.startedAt, s.finishedAt) },
            { header: 'Counts', cell: (s) => counts(s.counts) },
            { header: 'Detail', cell: (s) => detailText(s.detail) },
          ]}
        />
      )}
      <h3>Skipped users</h3>
      {skips.length === 0 ? (
        <p className="muted">Nobody was skipped.</p>
      ) : (
        <Table
          caption="Skipped users"
          rows={skips}
          rowKey={(s, i) => `${s.stagedUserId}-${i}`}
          columns={[
            {
              header: 'userName',
              cell: (s) => <Link to={`/connections/${connectionId}/users/${s.stagedUserId}`}>{s.userName}</Link>,
            },
            { header: 'Reason', cell: (s) => <code>{s.reason}</code> },
            { header: 'Detail', cell: (s) => detailText(s.detail) },
          ]}
        />
      )}
      <ErrorNote error={error} />
      {cursor && (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            api<RunDetailView>(
              'GET',
              `/admin/v1/sync-runs/${r.id}${qs({ skipsCursor: cursor, skipsLimit: 100 })}`,
            ).then(
              (p) => {
                setMore((m) => [...m, ...p.skips.items]);
                setCursor(p.skips.nextCursor);
              },
              (e: unknown) => setError(errorText(e)),
            );
          }}
        >
          More skipped users
        </button>
      )}
    </section>
  );
}
