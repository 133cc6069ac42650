/**
 * Admin routes under /_ec2net/: health, reset (back to a fresh cloud), and a JSON export of state.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkInvariants } from '../engine/invariants.js';
import { exportState } from '../engine/snapshot.js';
import { ImportError, type ExportFile } from '../store/transfer.js';

const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
import type { Cloud } from '../engine/cloud.js';
import { sendJson } from './app.js';

export interface AdminDeps {
  readonly version: string;
  readonly startedAt: number;
  readonly getCloud: () => Cloud;
  readonly reset: () => void;
  /** The whole state as an export file. */
  readonly exportFile: () => ExportFile;
  /** Replaces the whole state from an export file; throws ImportError and changes nothing if it is refused. */
  readonly importFile: (text: string) => void;
  /** Storage figures for the health route: the state's size, the log since the last snapshot, that snapshot's time. */
  readonly storage?: () => Record<string, unknown>;
  /** HTTPS for the health route: the local CA's certificate file, or that the certificate is the user's; undefined when off. */
  readonly tls?: () => Record<string, unknown> | undefined;
}

export class AdminRoutes {
  constructor(private readonly deps: AdminDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const route = `${req.method} ${path}`;
    if (route === 'POST /_ec2net/import') return this.import(req, res);
    req.resume();
    switch (route) {
      case 'GET /_ec2net/export':
        return sendJson(res, 200, this.deps.exportFile());
      case 'GET /_ec2net/health':
        return sendJson(res, 200, {
          status: 'ok',
          service: 'ec2net',
          version: this.deps.version,
          uptimeSeconds: Math.round((Date.now() - this.deps.startedAt) / 10) / 100,
          storage: this.deps.storage?.(),
          tls: this.deps.tls?.(),
        });
      case 'POST /_ec2net/reset':
        this.deps.reset();
        return sendJson(res, 200, { status: 'reset' });
      case 'GET /_ec2net/invariants': {
        const violations = checkInvariants(this.settled());
        return sendJson(res, violations.length === 0 ? 200 : 500, { ok: violations.length === 0, violations });
      }
      case 'GET /_ec2net/state':
        return sendJson(res, 200, exportState(this.settled()));
      default:
        return sendJson(res, 404, { error: `no admin route ${route}` });
    }
  }

  /**
   * The cloud as of now: transitions whose time has come (pending → running, attaching → attached…)
   * fire first, as before any request. Without this the export would depend on whether an unjournaled
   * read had fired them, and a server restarted from its journal would show older states.
   */
  private settled(): Cloud {
    const cloud = this.deps.getCloud();
    for (const region of cloud.allRegions()) region.settle();
    return cloud;
  }

  private async import(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_IMPORT_BYTES) return sendJson(res, 413, { error: `import files are limited to ${MAX_IMPORT_BYTES} bytes` });
      chunks.push(chunk);
    }
    try {
      this.deps.importFile(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      if (e instanceof ImportError) return sendJson(res, 400, { error: `import refused: ${e.message}` });
      throw e;
    }
    return sendJson(res, 200, { status: 'imported' });
  }
}
