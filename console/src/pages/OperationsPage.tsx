import { useState } from 'react';
import { api, ApiError, qs } from '../api';
import { ListState, nothing, Section, Table, usePages } from '../components/blocks';
import { ErrorNote, errorText, when } from '../components/ui';
import type { Page } from '../types';

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
  const [available, setAvailable] = useState(true);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const pages = usePages(async (cursor): Promise<Page<DeadLetter>> => {
    try {
      const r = await api<{ items: DeadLetter[]; next: string | null }>(
        'GET',
        `/admin/v1/outbox/dead-letters${qs({ limit: 50, cursor })}`,
      );
      return { items: r.items, nextCursor: r.next };
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      setAvailable(false);
      return { items: [], nextCursor: null };
    }
  }, []);
  const retry = async (d: DeadLetter) => {
    setError(null);
    try {
      await api('POST', `/admin/v1/outbox/dead-letters/${encodeURIComponent(d.id)}/retry`);
      setStatus(`${d.eventName} is queued for delivery again.`);
      pages.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <>
      <h1>Operations</h1>
      <Section title="Dead letters">
        <p className="muted">
          Events Roster gave up delivering after its retries (for example a deprovisioning that could not end sessions).
          Fix the cause, then Retry: handlers are idempotent.
        </p>
        <p role="status" className="muted">
          {status}
        </p>
        <ErrorNote error={error} />
        {!available ? (
          <p>Dead letters are not available on this Roster.</p>
        ) : (
          <ListState
            what="dead letters"
            error={pages.error}
            loading={pages.loading}
            items={pages.items}
            empty={nothing('No dead letters: every event was delivered.')}
          >
            {(items) => (
              <Table
                caption="Dead letters"
                rows={items}
                rowKey={(d) => d.id}
                columns={[
                  { header: 'Event', cell: (d) => <code>{d.eventName}</code> },
                  { header: 'Error', cell: (d) => d.error ?? '—' },
                  { header: 'Attempts', cell: (d) => d.attempts },
                  { header: 'Occurred', cell: (d) => when(d.occurredAt) },
                  { header: 'Last attempt', cell: (d) => when(d.lastAttemptAt) },
                  {
                    header: 'Actions',
                    hiddenHeader: true,
                    cell: (d) => (
                      <button type="button" className="secondary" onClick={() => void retry(d)}>
                        Retry
                      </button>
                    ),
                  },
                ]}
              />
            )}
          </ListState>
        )}
        {pages.buttons}
      </Section>
    </>
  );
}
