/** Results carried through edits (model/edits.ts): moved with the lines above them, dropped when touched. */
import * as assert from 'node:assert/strict';
import { mapLines, mapPos, mapRange, touchesLines, type TextChange } from '../../../src/extension/model/edits';

const at = (line: number, character: number) => ({ line, character });
const ins = (line: number, character: number, text: string): TextChange => ({ start: at(line, character), end: at(line, character), text });
const del = (l0: number, c0: number, l1: number, c1: number, text = ''): TextChange => ({ start: at(l0, c0), end: at(l1, c1), text });

describe('edits: mapping results through changes', () => {
  it('a line typed above moves the result down; lines deleted above move it up', () => {
    assert.deepEqual(mapLines(10, 12, [ins(3, 5, 'x\ny\n')]), [12, 14]);
    assert.deepEqual(mapLines(10, 12, [del(2, 0, 5, 0)]), [7, 9]);
    assert.deepEqual(mapLines(10, 12, [ins(0, 0, 'import numpy as np\n')]), [11, 13]);
  });
  it('typing below or on other lines leaves it where it is', () => {
    assert.deepEqual(mapLines(10, 12, [ins(20, 0, 'abc')]), [10, 12]);
    assert.deepEqual(mapLines(10, 12, [ins(3, 4, 'abc')]), [10, 12], 'same-line typing above does not move lines');
  });
  it('an edit on the call\'s lines drops it; Enter at the start of its first line only moves it', () => {
    assert.equal(mapLines(10, 12, [ins(11, 3, 'x')]), null);
    assert.equal(mapLines(10, 12, [del(9, 4, 10, 2)]), null);
    assert.equal(mapLines(10, 12, [ins(12, 40, ' * 2')]), null);
    assert.deepEqual(mapLines(10, 12, [ins(10, 0, '\n')]), [11, 13]);
    assert.equal(touchesLines(10, 12, ins(10, 0, 'y = ')), true);
  });
  it('several changes apply in order (each in the document after the previous one)', () => {
    assert.deepEqual(mapLines(10, 10, [ins(0, 0, 'a\n'), ins(1, 0, 'b\n'), del(50, 0, 51, 0)]), [12, 12]);
    assert.equal(mapLines(10, 10, [ins(0, 0, 'a\n'), ins(11, 0, 'x')]), null, 'the second change is on the moved line');
  });
  it('positions after a change on the same line shift by the inserted text', () => {
    assert.deepEqual(mapPos(at(4, 10), ins(4, 2, 'abc')), at(4, 13));
    assert.deepEqual(mapPos(at(4, 10), ins(4, 2, 'a\nbc')), at(5, 10));
    assert.deepEqual(mapPos(at(4, 1), ins(4, 2, 'abc')), at(4, 1));
  });
  it('diagnostic ranges move with the text, and are dropped when an edit overlaps them', () => {
    assert.deepEqual(mapRange(at(5, 4), at(5, 9), [ins(1, 0, '\n\n')]), [at(7, 4), at(7, 9)]);
    assert.deepEqual(mapRange(at(5, 4), at(5, 9), [ins(5, 0, 'ab')]), [at(5, 6), at(5, 11)]);
    assert.equal(mapRange(at(5, 4), at(5, 9), [ins(5, 6, 'x')]), null);
    assert.equal(mapRange(at(5, 4), at(5, 9), [del(5, 9, 5, 12)]), null, 'touching the end counts');
  });
});
