import { useState } from 'react';
import { api, ApiError, qs } from '../api';
import { Empty, ErrorNote, errorText, Loading, useLoad, when } from '../components/ui';

interface DeadLetter {
  id: string;
  eventName: string;
  tenantId: string | null;
  error: string | null;
  attempts: number;
  occurredAt: string;
  firstAttemptAt: string | null;
  lastAttemptAt: string | null;
}

/** Events whose delivery gave up (GET /admin/v1/outbox/dead-letters), each with Retry. */
export function OperationsPage() {
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list = useLoad(async () => {
    try {
      return await api<{ items: DeadLetter[]; next: string | null }>(
        'GET',
        `/admin/v1/outbox/dead-letters${qs({ limit: 50, cursor })}`,
      );
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, [cursor]);
  const retry = async (d: DeadLetter) => {
    setError(null);
    try {
      await api('POST', `/admin/v1/outbox/dead-letters/${encodeURIComponent(d.id)}/retry`);
      setStatus(`${d.eventName} is queued for delivery again.`);
      list.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <>
      <h1>Operations</h1>
      <section aria-labelledby="dl-h">
        <h2 id="dl-h">Dead letters</h2>
        <p className="muted">
          Events Roster gave up delivering after its retries (for example a deprovisioning that could not end sessions).
          Fix the cause, then Retry: handlers are idempotent.
        </p>
        <p role="status" className="muted">
          {status}
        </p>
        <ErrorNote error={error ?? list.error} />
        {list.loading && list.data === undefined ? (
          <Loading what="dead letters" />
        ) : list.data === null ? (
          <p>Dead letters are not available on this Roster.</p>
        ) : list.data && list.data.items.length === 0 ? (
          <Empty title="No dead letters: every event was delivered." />
        ) : (
          list.data && (
            <table>
              <caption className="sr-only">Dead letters</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Error</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Occurred</th>
                  <th scope="col">Last attempt</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <code>{d.eventName}</code>
                    </td>
                    <td>{d.error ?? '—'}</td>
                    <td>{d.attempts}</td>
                    <td>{when(d.occurredAt)}</td>
                    <td>{when(d.lastAttemptAt)}</td>
                    <td>
                      <button type="button" className="secondary" onClick={() => void retry(d)}>
                        Retry
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        )}
        {list.data?.next && (
          <button type="button" className="secondary" onClick={() => setCursor(list.data!.next!)}>
            Next page
          </button>
        )}
      </section>
    </>
  );
}
