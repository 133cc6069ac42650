/** `ec2net export` and `ec2net import`: move a stopped server's whole state as one JSON file. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { allHandlers } from './api/index.js';
import { ConfigError, DEFAULTS } from './config.js';
import { loadModel } from './protocol/model.js';
import { QueryApi } from './server/query-api.js';
import { encodeCloud } from './store/cloud-image.js';
import { Journal } from './store/journal.js';
import { lockDataDir } from './store/data-dir-lock.js';
import { restore } from './store/restore.js';
import { makeExport, parseExport, rebuild } from './store/transfer.js';

function dataDirFlag(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { 'data-dir': { type: 'string' }, out: { type: 'string' }, 'account-id': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const dataDir = values['data-dir'] ?? process.env.EC2NET_DATA_DIR ?? DEFAULTS.dataDir!;
  const accountId = values['account-id'] ?? process.env.EC2NET_ACCOUNT_ID ?? DEFAULTS.accountId;
  return { dataDir, accountId, out: values.out, positionals };
}

export function exportCommand(argv: readonly string[]): number {
  const { dataDir, accountId, out } = dataDirFlag(argv);
  const journal = Journal.open(dataDir);
  try {
    if (journal.get('seed') === undefined) throw new ConfigError(`${dataDir} holds no ec2net state`);
    const { cloud } = restore(journal, { defaultAccountId: accountId }, (get) => new QueryApi(loadModel(), allHandlers, get));
    const text = `${JSON.stringify(makeExport(cloud))}\n`;
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  } finally {
    journal.close();
  }
  return 0;
}

/** Validates the whole file by rebuilding the cloud from it; only then replaces the data directory's state. */
export function importCommand(argv: readonly string[]): number {
  const { dataDir, accountId, positionals } = dataDirFlag(argv);
  const path = positionals[0];
  if (!path) throw new ConfigError('usage: ec2net import FILE [--data-dir DIR]');
  const file = parseExport(readFileSync(path, 'utf8'));
  const cloud = rebuild(file, { defaultAccountId: accountId }, (get) => new QueryApi(loadModel(), allHandlers, get));
  // Refused while a server runs on the directory: it would go on from the state it replayed.
  const lock = lockDataDir(dataDir, 'import through the running server (POST /_ec2net/import), or choose another --data-dir');
  const journal = Journal.open(dataDir);
  try {
    journal.saveSnapshot(encodeCloud(cloud), { seed: cloud.random.seed });
  } finally {
    journal.close();
    lock.release();
  }
  process.stdout.write(`imported ${'image' in file ? 'a snapshot' : `${file.entries.length} changes`} into ${dataDir}\n`);
  return 0;
}
