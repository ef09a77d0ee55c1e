import { useCallback, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import type { Page } from '../types';
import { Dialog, Empty, ErrorNote, errorText, Loading, useLoad } from './ui';

/** A form's submit: busy while it runs, the API's error in words when it fails. */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}

/** A `<section>` named by its heading, with an optional button beside the heading. */
export function Section({
  title,
  action,
  className,
  children,
}: {
  title: string;
  action?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  const heading = <h2 id={id}>{title}</h2>;
  return (
    <section aria-labelledby={id} className={className}>
      {action ? (
        <div className="page-head">
          {heading}
          {action}
        </div>
      ) : (
        heading
      )}
      {children}
    </section>
  );
}

/** A dialog holding one form: its fields, the error, Cancel and the submit button. */
export function FormDialog({
  open,
  title,
  submitLabel = 'Create',
  form,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  submitLabel?: string;
  form: ReturnType<typeof useSubmit>;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <form onSubmit={(e) => void form.submit(e)}>
        {children}
        <ErrorNote error={form.error} />
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={form.busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** A header only screen readers get (a column of row buttons). */
  hiddenHeader?: boolean;
  className?: string;
}

/** A real table: a caption for screen readers, one header cell a column. */
export function Table<T>({
  caption,
  columns,
  rows,
  rowKey,
}: {
  caption: string;
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T, index: number) => string;
}) {
  return (
    <table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c.header}>
              {c.hiddenHeader ? <span className="sr-only">{c.header}</span> : c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={rowKey(r, i)}>
            {columns.map((c) => (
              <td key={c.header} className={c.className}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A list's states in one place: the error in words, "Loading …" on the first load, the empty state
 * (what to do next) when there is nothing, else the list itself.
 */
export function ListState<T>({
  what,
  error,
  loading,
  items,
  empty,
  children,
}: {
  what: string;
  error: string | null | undefined;
  loading: boolean;
  items: T[] | undefined;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <>
      <ErrorNote error={error} />
      {loading && items === undefined ? (
        <Loading what={what} />
      ) : items === undefined ? null : items.length === 0 ? (
        empty
      ) : (
        children(items)
      )}
    </>
  );
}

/** `<Empty>` as a ListState's `empty`, for the common title-and-advice case. */
export const nothing = (title: string, advice?: ReactNode) => (
  <Empty title={title}>{advice === undefined ? null : <p>{advice}</p>}</Empty>
);

/**
 * Keyset pages one at a time ("Next page", "First page"): the cursor stack, reset by new filters.
 * The server pages by key, so there is no page count (no `count(*)` over a large table).
 */
export function usePages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, deps: unknown[]) {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => fetchPage(cursor), [...deps, cursor]);
  const first = useCallback(() => setCursors([undefined]), []);
  const buttons = (
    <div className="actions">
      {cursors.length > 1 && (
        <button type="button" className="secondary" onClick={first}>
          First page
        </button>
      )}
      {page.data?.nextCursor && (
        <button type="button" className="secondary" onClick={() => setCursors([...cursors, page.data!.nextCursor!])}>
          Next page
        </button>
      )}
    </div>
  );
  return { ...page, items: page.data?.items, first, buttons };
}

/** Keyset pages appended below each other ("Load more"). */
export function useLoadMore<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, deps: unknown[]) {
  const list = useLoad(() => fetchPage(undefined), deps);
  const [more, setMore] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);
  const loadMore = async () => {
    if (!cursor) return;
    setError(null);
    try {
      const page = await fetchPage(cursor);
      setMore((m) => [...m, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const button = cursor && (
    <button type="button" className="secondary" onClick={() => void loadMore()}>
      Load more
    </button>
  );
  return {
    items: list.data ? [...list.data.items, ...more] : undefined,
    error: list.error ?? error,
    loading: list.loading,
    reload: list.reload,
    button,
  };
}

/** A page's tabs: links under `base` (`''` is the overview), the current one marked by NavLink. */
export function Tabs({
  label,
  base,
  tabs,
}: {
  label: string;
  base: string;
  tabs: Array<[path: string, name: string]>;
}) {
  return (
    <nav aria-label={label} className="tabs">
      <ul>
        {tabs.map(([path, name]) => (
          <li key={path}>
            <NavLink to={path ? `${base}/${path}` : base} end={!path}>
              {name}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
