import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, qs } from '../../api';
import { ErrorNote, errorText, Loading, NotFound, useLoad, when, duration } from '../../components/ui';
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
  if (run.notFound) return <NotFound what="Sync run" level={2} />;
  if (!run.data) return <ErrorNote error={run.error} />;
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
        <table>
          <caption className="sr-only">Steps</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Counts</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {r.steps.map((s, i) => (
              <tr key={`${s.name}-${i}`}>
                <td>{s.name}</td>
                <td>{s.status}</td>
                <td>{when(s.startedAt)}</td>
                <td>{duration(s.startedAt, s.finishedAt)}</td>
                <td>{counts(s.counts)}</td>
                <td>{detailText(s.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Skipped users</h3>
      {skips.length === 0 ? (
        <p className="muted">Nobody was skipped.</p>
      ) : (
        <table>
          <caption className="sr-only">Skipped users</caption>
          <thead>
            <tr>
              <th scope="col">userName</th>
              <th scope="col">Reason</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {skips.map((s, i) => (
              <tr key={`${s.stagedUserId}-${i}`}>
                <td>
                  <Link to={`/connections/${connectionId}/users/${s.stagedUserId}`}>{s.userName}</Link>
                </td>
                <td>
                  <code>{s.reason}</code>
                </td>
                <td>{detailText(s.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
