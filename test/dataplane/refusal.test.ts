/**
 * `ec2net serve --dataplane netns` without the capabilities it needs refuses to start with one
 * plain line and exit code 2. Run as root with the two capabilities dropped (util-linux's setpriv).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const hasSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
const skip = process.platform !== 'linux' || process.getuid?.() !== 0 || !hasSetpriv ? 'needs Linux, root and setpriv (to drop capabilities)' : false;

describe('--dataplane netns without CAP_NET_ADMIN and CAP_SYS_ADMIN', { skip }, () => {
  it('refuses to start with one line saying what is missing', () => {
    const r = spawnSync(
      'setpriv',
      [
        '--bounding-set',
        '-net_admin,-sys_admin',
        '--inh-caps',
        '-net_admin,-sys_admin',
        process.execPath,
        cli,
        'serve',
        '--ephemeral',
        '--port',
        '0',
        '--imds-port',
        'off',
        '--dataplane',
        'netns',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'ec2net: --dataplane netns needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces and links\n');
    assert.equal(r.stdout, '');
  });
});
