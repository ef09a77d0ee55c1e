const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID in its canonical hyphenated form (any case): checked before a `::uuid` cast can raise. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
