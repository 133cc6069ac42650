/**
 * Moving a whole state as one JSON file. The file is the journal itself — the seed and every
 * state-changing request — so importing it rebuilds exactly the same cloud. An import is
 * checked completely (every request must replay cleanly and the invariants must hold) before
 * it replaces anything; a corrupt or inconsistent file leaves the current state untouched.
 */
import { Cloud, type CloudOptions } from '../engine/cloud.js';
import { checkInvariants } from '../engine/invariants.js';
import type { QueryApi } from '../server/query-api.js';
import { SCHEMA_VERSION, type JournalEntry } from './journal.js';

export const EXPORT_FORMAT = 'ec2net-export';

export interface ExportFile {
  readonly format: typeof EXPORT_FORMAT;
  readonly schemaVersion: number;
  readonly seed: string;
  readonly entries: JournalEntry[];
}

export class ImportError extends Error {}

export function makeExport(seed: string, entries: Iterable<JournalEntry>): ExportFile {
  return { format: EXPORT_FORMAT, schemaVersion: SCHEMA_VERSION, seed, entries: [...entries] };
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** Checks the file's shape; throws ImportError naming the first problem. */
export function parseExport(text: string): ExportFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ImportError(`not JSON: ${(e as Error).message}`);
  }
  const f = data as Partial<ExportFile>;
  if (!f || typeof f !== 'object' || f.format !== EXPORT_FORMAT) throw new ImportError(`not an ${EXPORT_FORMAT} file`);
  if (typeof f.schemaVersion !== 'number' || f.schemaVersion > SCHEMA_VERSION) {
    throw new ImportError(`schema version ${String(f.schemaVersion)} is not supported (this ec2net knows up to ${SCHEMA_VERSION})`);
  }
  if (!isString(f.seed) || f.seed.length === 0) throw new ImportError('missing seed');
  if (!Array.isArray(f.entries)) throw new ImportError('missing entries');
  f.entries.forEach((e, i) => {
    const ok = e && typeof e === 'object' && Number.isFinite(e.at) && isString(e.rng) && /^[0-9]+:[0-9]+$/.test(e.rng) &&
      isString(e.account) && /^[0-9]{12}$/.test(e.account) && isString(e.region) && isString(e.params);
    if (!ok) throw new ImportError(`entry ${i + 1} is malformed`);
  });
  return f as ExportFile;
}

/**
 * Rebuilds a cloud from an export, refusing it (ImportError) if any request fails to replay or
 * the result breaks an invariant. `makeApi` wires a QueryApi to the candidate cloud.
 */
export function rebuild(file: ExportFile, options: Omit<CloudOptions, 'seed'>, makeApi: (getCloud: () => Cloud) => QueryApi): Cloud {
  const cloud = new Cloud({ ...options, seed: file.seed });
  const api = makeApi(() => cloud);
  file.entries.forEach((entry, i) => {
    try {
      api.replay(entry);
    } catch (e) {
      throw new ImportError(`entry ${i + 1} (${new URLSearchParams(entry.params).get('Action') ?? '?'}) does not replay: ${(e as Error).message}`);
    }
  });
  const violations = checkInvariants(cloud);
  if (violations.length > 0) throw new ImportError(`the imported state is inconsistent: ${violations[0]!.rule}: ${violations[0]!.detail}`);
  return cloud;
}
