import { Inject, Injectable } from '@nestjs/common';
import type { PatchPath } from '../../../shared/scim/scim-filter.ast';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { ScimError } from '../../../shared/scim/scim-error';
import { parseEtagList } from './scim-response-common';
import { SCIM_SCHEMA_REGISTRY } from './scim-registry.provider';

export interface Projection {
  attributes: PatchPath[];
  excludedAttributes: PatchPath[];
}

/**
 * The version an `If-Match` header demands (RFC 7644 §3.14): undefined for none or `*`; -1 when
 * the header names no version we could hold, which fails the precondition.
 */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  const parsed = parseEtagList(ifMatch);
  if (!parsed || parsed.any) return undefined;
  return parsed.versions[0] ?? -1;
}

/** Whether a JSON body names an attribute at the top level (case-insensitively, URN-qualified or not). */
export function hasTopLevelKey(body: unknown, name: string): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const lower = name.toLowerCase();
  return Object.keys(body).some((k) => {
    const key = k.toLowerCase();
    return key === lower || key.endsWith(`:${lower}`);
  });
}

/**
 * The longest value, in UTF-8 bytes, of an attribute that Staging indexes (userName, externalId,
 * a group's displayName). A PostgreSQL btree entry must fit in a third of a page (~2,700 bytes);
 * past that the write fails inside the database — a 500, not the client's 400.
 */
export const MAX_INDEXED_VALUE_BYTES = 2048;

export function assertIndexable(attribute: string, value: string | null): void {
  if (
    value !== null &&
    value.length > MAX_INDEXED_VALUE_BYTES / 4 &&
    Buffer.byteLength(value) > MAX_INDEXED_VALUE_BYTES
  ) {
    throw ScimError.invalidValue(`Attribute '${attribute}' is longer than ${MAX_INDEXED_VALUE_BYTES} bytes (UTF-8).`);
  }
}

export interface ScimResult {
  body: Record<string, unknown>;
  version: number;
  id: string;
}

/** Top-level attributes whose JSON differs between two versions of a resource, sorted. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/** What a PUT or PATCH hands its use case: the resource, the body, `If-Match`, and how to present the result. */
export type ScimWriteArgs = [
  scope: StagingScope,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  baseUrl: string,
  p: Projection,
];

/** The SCIM use cases work over Staging's facade with the schema registry. */
@Injectable()
export abstract class ScimResourceUseCase {
  constructor(
    protected readonly staging: StagingFacade,
    @Inject(SCIM_SCHEMA_REGISTRY) protected readonly registry: ScimSchemaRegistry,
  ) {}
}
