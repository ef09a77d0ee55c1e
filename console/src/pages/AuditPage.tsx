import { useState, type FormEvent } from 'react';
import { api, download, qs } from '../api';
import { useAuth } from '../auth';
import { ListState, nothing, Table, usePages, type Column } from '../components/blocks';
import { ErrorNote, errorText, Field, when } from '../components/ui';
import type { AuditEntry, Page } from '../types';

interface Filters {
  from: string;
  to: string;
  subject: string;
  action: string;
}
type VerifyResult =
  { ok: true; checked: number } | { ok: false; checked: number; firstBrokenId: string; reason: string };

const iso = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const actorText = (a: Record<string, unknown>): string =>
  a.type === 'scim'
    ? `SCIM (${str(a.connectionId)})`
    : a.type === 'admin'
      ? `admin${str(a.keyName) ? ` key “${str(a.keyName)}”` : ''}`
      : str(a.type) || '—';

const AUDIT_COLUMNS: Array<Column<AuditEntry>> = [
  { header: 'When', cell: (a) => when(a.occurredAt ?? a.at) },
  { header: 'Action', cell: (a) => <code>{a.action}</code> },
  { header: 'Person', cell: (a) => a.subject?.email ?? a.subject?.userName ?? a.subject?.accountId ?? '—' },
  { header: 'Actor', cell: (a) => actorText(a.actor) },
  { header: 'Summary', cell: (a) => a.summary },
];

/** The audit trail: filters, Verify (the hash chain), and the compliance exports. */
export function AuditPage() {
  const { principal } = useAuth();
  const [draft, setDraft] = useState<Filters>({ from: '', to: '', subject: '', action: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const params = {
    tenantId: principal.scope === 'tenant' ? (principal.tenantId ?? undefined) : undefined,
    from: iso(filters.from),
    to: iso(filters.to),
    subject: filters.subject.trim() || undefined,
    action: filters.action.trim() || undefined,
  };
  const pages = usePages(
    (cursor) => api<Page<AuditEntry>>('GET', `/admin/v1/audit-events${qs({ ...params, cursor, limit: 50 })}`),
    [filters],
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    pages.first();
    setFilters(draft);
  };
  const doVerify = async () => {
    setError(null);
    setVerify(null);
    setStatus('Verifying the audit chain…');
    try {
      setVerify(
        await api<VerifyResult>('GET', `/admin/v1/audit-events/verify${qs({ from: params.from, to: params.to })}`),
      );
      setStatus('');
    } catch (e) {
      setStatus('');
      setError(errorText(e));
    }
  };
  const doExport = async (format: 'csv' | 'ndjson') => {
    setError(null);
    setStatus(`Preparing the ${format.toUpperCase()} export…`);
    try {
      // The export takes the same filters as the list: what you see is what you download.
      const name = await download(`/admin/v1/audit-events/export${qs({ ...params, format })}`, `audit.${format}`);
      setStatus(`Downloaded ${name}.`);
    } catch (e) {
      setStatus('');
      setError(errorText(e));
    }
  };
  return (
    <>
      <h1>Audit</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter the audit trail">
        <Field label="From">
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          )}
        </Field>
        <Field label="To">
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          )}
        </Field>
        <Field label="Person" hint="Email or userName">
          {(p) => (
            <input {...p} value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} />
          )}
        </Field>
        <Field label="Action" hint="e.g. token.revoked">
          {(p) => (
            <input {...p} value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
          )}
        </Field>
        <button type="submit">Filter</button>
      </form>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => void doVerify()}>
          Verify
        </button>
        <button type="button" className="secondary" onClick={() => void doExport('csv')}>
          Export CSV
        </button>
        <button type="button" className="secondary" onClick={() => void doExport('ndjson')}>
          Export NDJSON
        </button>
      </div>
      <p role="status" className="muted">
        {status}
      </p>
      {verify && (
        <p role="status" className={verify.ok ? 'ok' : 'error'}>
          {verify.ok
            ? `The audit chain is intact: ${verify.checked} entries checked.`
            : `The audit chain is broken at entry ${verify.firstBrokenId} (${verify.reason}); ${verify.checked} entries checked.`}
        </p>
      )}
      <ErrorNote error={error} />
      <ListState
        what="audit entries"
        error={pages.error}
        loading={pages.loading}
        items={pages.items}
        empty={nothing('No audit entry matches these filters.')}
      >
        {(items) => <Table caption="Audit entries" columns={AUDIT_COLUMNS} rows={items} rowKey={(a) => a.id} />}
      </ListState>
      {pages.buttons}
    </>
  );
}
