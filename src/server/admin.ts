/**
 * Admin routes under /_ec2net/: health, reset (back to a fresh cloud), and a JSON export of state.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkInvariants } from '../engine/invariants.js';
import { exportState } from '../engine/snapshot.js';
import type { Cloud } from '../engine/cloud.js';
import { sendJson } from './app.js';

export interface AdminDeps {
  readonly version: string;
  readonly startedAt: number;
  readonly getCloud: () => Cloud;
  readonly reset: () => void;
}

export class AdminRoutes {
  constructor(private readonly deps: AdminDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    req.resume();
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /_ec2net/health':
        return sendJson(res, 200, {
          status: 'ok',
          service: 'ec2net',
          version: this.deps.version,
          uptimeSeconds: Math.round((Date.now() - this.deps.startedAt) / 10) / 100,
        });
      case 'POST /_ec2net/reset':
        this.deps.reset();
        return sendJson(res, 200, { status: 'reset' });
      case 'GET /_ec2net/invariants': {
        const violations = checkInvariants(this.deps.getCloud());
        return sendJson(res, violations.length === 0 ? 200 : 500, { ok: violations.length === 0, violations });
      }
      case 'GET /_ec2net/state':
        return sendJson(res, 200, exportState(this.deps.getCloud()));
      default:
        return sendJson(res, 404, { error: `no admin route ${route}` });
    }
  }
}
