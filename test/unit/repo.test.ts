/** Repository hygiene that a landing must not break. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

describe('repository', () => {
  it('node_modules is never tracked (a committed worktree link replaced main\'s node_modules with a self-link, twice)', function () {
    const r = spawnSync('git', ['ls-files', '--', 'node_modules'], { encoding: 'utf8' });
    if (r.status !== 0) this.skip(); // not a git checkout (an unpacked source archive)
    assert.equal(r.stdout.trim(), '', 'git rm --cached node_modules');
  });
});
