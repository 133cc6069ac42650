/**
 * Moving a whole state as one JSON file. Today's file carries a snapshot of the cloud (the
 * generic image of cloud-image.ts, base64); files of earlier releases carry the seed and every
 * state-changing request, and are still accepted (rebuilt by replaying them once). An import is
 * checked completely (it must decode or replay cleanly and the invariants must hold) before it
 * replaces anything; a corrupt or inconsistent file leaves the current state untouched.
 */
import { Cloud, type CloudOptions } from '../engine/cloud.js';
import { checkInvariants } from '../engine/invariants.js';
import type { QueryApi } from '../server/query-api.js';
import { decodeCloud, encodeCloud } from './cloud-image.js';
import { SCHEMA_VERSION, type JournalEntry } from './journal.js';
import { runConfigOf, underConfig } from './restore.js';

export const EXPORT_FORMAT = 'ec2net-export';

/** A file of an earlier release: the seed and the journal of requests (schema version 1). */
export interface JournalExportFile {
  readonly format: typeof EXPORT_FORMAT;
  readonly schemaVersion: number;
  readonly seed: string;
  readonly entries: JournalEntry[];
}

/** Today's file: the state itself. */
export interface SnapshotExportFile {
  readonly format: typeof EXPORT_FORMAT;
  readonly schemaVersion: number;
  /** The cloud image, base64. */
  readonly image: string;
}

export type ExportFile = JournalExportFile | SnapshotExportFile;

export class ImportError extends Error {}

export function makeExport(cloud: Cloud): SnapshotExportFile {
  return { format: EXPORT_FORMAT, schemaVersion: SCHEMA_VERSION, image: encodeCloud(cloud).toString('base64') };
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
  const f = data as Partial<JournalExportFile & SnapshotExportFile>;
  if (!f || typeof f !== 'object' || f.format !== EXPORT_FORMAT) throw new ImportError(`not an ${EXPORT_FORMAT} file`);
  if (typeof f.schemaVersion !== 'number' || f.schemaVersion > SCHEMA_VERSION) {
    throw new ImportError(`schema version ${String(f.schemaVersion)} is not supported (this ec2net knows up to ${SCHEMA_VERSION})`);
  }
  if (f.image !== undefined) {
    if (!isString(f.image) || f.image.length === 0) throw new ImportError('malformed image');
    return f as SnapshotExportFile;
  }
  if (!isString(f.seed) || f.seed.length === 0) throw new ImportError('missing seed');
  if (!Array.isArray(f.entries)) throw new ImportError('missing entries');
  f.entries.forEach((e, i) => {
    const ok =
      e &&
      typeof e === 'object' &&
      Number.isFinite(e.at) &&
      isString(e.rng) &&
      /^[0-9]+:[0-9]+$/.test(e.rng) &&
      isString(e.account) &&
      /^[0-9]{12}$/.test(e.account) &&
      isString(e.region) &&
      isString(e.params);
    if (!ok) throw new ImportError(`entry ${i + 1} is malformed`);
  });
  return f as JournalExportFile;
}

/**
 * Rebuilds a cloud from an export under today's configuration, refusing it (ImportError) if it
 * does not decode, a request of an old file fails to replay, or the result breaks an invariant.
 * `makeApi` wires a QueryApi to the candidate cloud (old files only).
 */
export function rebuild(file: ExportFile, options: Omit<CloudOptions, 'seed'>, makeApi: (getCloud: () => Cloud) => QueryApi): Cloud {
  let cloud: Cloud;
  if ('image' in file) {
    cloud = new Cloud(options);
    try {
      decodeCloud(Buffer.from(file.image, 'base64'), cloud);
    } catch (e) {
      throw new ImportError(`the state does not decode: ${(e as Error).message}`);
    }
  } else {
    cloud = new Cloud({ ...options, seed: file.seed });
    const api = makeApi(() => cloud);
    const built = cloud;
    // That release's worlds picked the lowest free addresses; the rest of today's configuration applies.
    underConfig(built, { ...runConfigOf(built), ipAllocation: 'lowest' }, () =>
      file.entries.forEach((entry, i) => {
        try {
          api.replay(entry);
        } catch (e) {
          throw new ImportError(`entry ${i + 1} (${new URLSearchParams(entry.params).get('Action') ?? '?'}) does not replay: ${(e as Error).message}`);
        }
      }),
    );
  }
  let violations;
  try {
    violations = checkInvariants(cloud);
  } catch (e) {
    throw new ImportError(`the imported state is inconsistent: ${(e as Error).message}`);
  }
  if (violations.length > 0) throw new ImportError(`the imported state is inconsistent: ${violations[0]!.rule}: ${violations[0]!.detail}`);
  return cloud;
}
