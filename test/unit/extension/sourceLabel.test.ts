/** Names of places in the user's code for the panel's link and the Output channel: notebook cells by number. */
import * as assert from 'node:assert/strict';
import { cellOf, fileName, logName, sourceLabel } from '../../../src/extension/model/sourceLabel';

const nb = { uri: 'file:///w/notebooks/hu%20ber.ipynb', cells: ['vscode-notebook-cell:/w/notebooks/hu%20ber.ipynb#W0sZmlsZQ%3D%3D', 'vscode-notebook-cell:/w/notebooks/hu%20ber.ipynb#W1sdnNjb2RlLXJlbW90ZQ%3D%3D'] };

describe('source labels', () => {
  it('a cell is found in its notebook by its document URI, 0-based', () => {
    assert.deepEqual(cellOf(nb.cells[1], [nb]), { notebook: nb.uri, index: 1 });
    assert.equal(cellOf('file:///w/a.py', [nb]), null);
    assert.equal(cellOf('vscode-notebook-cell:/w/other.ipynb#W0', [nb]), null);
  });
  it('panel link: "hu ber.ipynb, cell 2, line 3" for a cell, "torch_ce.py:4" for a file, no fragment ever', () => {
    assert.equal(sourceLabel(nb.cells[1], 3, [nb]), 'hu ber.ipynb, cell 2, line 3');
    assert.equal(sourceLabel('file:///w/torch_ce.py', 4, [nb]), 'torch_ce.py:4');
    // a cell of a notebook that is no longer open: still no raw fragment
    assert.equal(sourceLabel('vscode-notebook-cell:/w/huber.ipynb#W1sdnNjb2RlLXJlbW90ZQ==', 3, []), 'huber.ipynb, a cell, line 3');
    assert.equal(fileName('vscode-notebook-cell:/w/huber.ipynb#W1sdnNjb2RlLXJlbW90ZQ=='), 'huber.ipynb');
  });
  it('log: the notebook URI and the cell number', () => {
    assert.equal(logName(nb.cells[0], [nb]), 'file:///w/notebooks/hu%20ber.ipynb, cell 1');
    assert.equal(logName('file:///w/a.py', [nb]), 'file:///w/a.py');
    assert.doesNotMatch(logName('vscode-notebook-cell:/w/x.ipynb#W1sdnNj', []), /#/);
  });
});
