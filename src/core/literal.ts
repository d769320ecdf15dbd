/**
 * Array literals as users paste them: Python lists/tuples, JSON/JS arrays, NumPy/TF/torch/JAX wrappers and
 * NumPy's printed form, scanned in one pass over char codes straight into a growing Float64Array plus a shape
 * (no object per number). Numbers are bit-identical to Number()/JSON.parse: short decimals take Clinger's
 * exact fast path (≤ 15 significant digits, |exponent| ≤ 22: one correctly rounded IEEE operation), every
 * other spelling falls back to Number() on the slice.
 */
import { LossInspectorError } from './errors';
import { Tensor, Nested, toNested } from './tensor';
import type { ParamValue } from './spec';

/** Bounds that keep a pasted text from freezing the editor. */
export interface LiteralLimits {
  /** Longest text accepted, in characters (default 50 MB). */
  maxChars: number;
  /** Deepest nesting of lists (default 64). */
  maxDepth: number;
  /** Most numbers in one literal (default 2e7). */
  maxElements: number;
}

export const DEFAULT_LITERAL_LIMITS: LiteralLimits = { maxChars: 50_000_000, maxDepth: 64, maxElements: 20_000_000 };

/** Hard cap on the nesting depth whatever the settings say: the scanner recurses once per level. */
const HARD_MAX_DEPTH = 2000;

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Call names whose first argument is the array (the rest are keyword arguments such as dtype=). */
const WRAPPERS = new Set([
  'array', 'asarray', 'np.array', 'np.asarray', 'numpy.array', 'numpy.asarray', 'np.asanyarray', 'np.float32', 'np.float64',
  'jnp.array', 'jnp.asarray', 'jax.numpy.array', 'jax.numpy.asarray',
  'tf.constant', 'tf.convert_to_tensor', 'tf.Variable', 'tensorflow.constant', 'tensorflow.convert_to_tensor', 'tf.cast',
  'torch.tensor', 'torch.Tensor', 'torch.as_tensor', 'torch.FloatTensor', 'tensor', 'float', 'int', 'list', 'tuple',
  'K.constant', 'keras.ops.array', 'keras.ops.convert_to_tensor', 'ops.array', 'ops.convert_to_tensor', 'Array', 'Float32Array', 'Float64Array',
]);

const NAN_NAMES = new Set(['nan', 'NaN', 'NAN', 'np.nan', 'np.NaN', 'np.NAN', 'numpy.nan', 'math.nan', 'jnp.nan', 'torch.nan', 'Number.NaN']);
const INF_NAMES = new Set(['inf', 'Inf', 'INF', 'Infinity', 'infinity', 'np.inf', 'np.Inf', 'np.infty', 'np.PINF', 'numpy.inf', 'math.inf', 'jnp.inf', 'torch.inf', 'Number.POSITIVE_INFINITY']);

const enum C {
  Tab = 9, Nl = 10, Cr = 13, Space = 32, Hash = 35, Quote = 39, DQuote = 34, LParen = 40, RParen = 41, Star = 42, Plus = 43, Comma = 44,
  Minus = 45, Dot = 46, Slash = 47, D0 = 48, D9 = 57, Semi = 59, Lt = 60, Eq = 61, Gt = 62, LBrack = 91, RBrack = 93, Under = 95, LowE = 101, UpE = 69,
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === C.Under;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= C.D0 && c <= C.D9);
}

class Scanner {
  private i = 0;
  private readonly n: number;
  data: Float64Array;
  len = 0;
  /** Length of the lists at each nesting level, fixed by the first list completed at that level. */
  readonly shape: number[] = [];
  /** Level at which numbers sit (the rank), -1 until the first number. */
  rank = -1;
  /** Index of the element being read at each open level (for messages). */
  private readonly path: number[] = [];

  constructor(private readonly s: string, private readonly what: string, private readonly base: number, private readonly limits: LiteralLimits, start = 0, end = s.length) {
    this.n = end;
    // about one number per 8 characters; grown by doubling when the text is denser
    this.data = new Float64Array(Math.max(16, Math.min(limits.maxElements, Math.ceil((end - start) / 8))));
  }

  fail(message: string, at: number, length = 1, code = 'syntax'): never {
    const pos = Math.min(Math.max(at, 0), this.n);
    throw new LossInspectorError(`${this.what}: ${message}`, { argument: this.what, code, offset: this.base + pos, length: Math.max(0, Math.min(length, this.n - pos)) });
  }

  private where(): string {
    return this.path.length ? `${this.what}[${this.path.join('][')}]` : this.what;
  }

  /** Skips blanks and comments (#, //, /* *\/). */
  private ws(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === C.Space || c === C.Nl || c === C.Cr || c === C.Tab || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff) { this.i++; continue; }
      if (c === C.Hash) { this.lineComment(); continue; }
      if (c === C.Slash) {
        const d = s.charCodeAt(this.i + 1);
        if (d === C.Slash) { this.lineComment(); continue; }
        if (d === C.Star) {
          const end = s.indexOf('*/', this.i + 2);
          if (end < 0) this.fail('unterminated /* comment', this.i, 2);
          this.i = end + 2; continue;
        }
      }
      return;
    }
  }

  private lineComment(): void {
    const nl = this.s.indexOf('\n', this.i);
    this.i = nl < 0 ? this.n : nl + 1;
  }

  private push(v: number, level: number, at: number): void {
    if (level !== this.rank) {
      // The first number fixes the rank, unless a list already completed at this level or deeper.
      if (this.rank === -1 && this.shape.length <= level) this.rank = level;
      else this.fail(`${this.where()}: a number where a list was expected (ragged nesting)`, at, 1, 'ragged');
    }
    if (this.len === this.data.length) this.grow(at);
    this.data[this.len++] = v;
  }

  private grow(at: number): void {
    if (this.len >= this.limits.maxElements) this.fail(`more than ${this.limits.maxElements} numbers (the limit; raise it in the settings to go further)`, at, 1, 'limit');
    const next = new Float64Array(Math.min(this.limits.maxElements, Math.max(16, this.data.length * 2)));
    next.set(this.data);
    this.data = next;
  }

  /** The whole text: one value and nothing after it but blanks, comments, a `;` or a `>` of a tf.Tensor repr. */
  parseTop(): void {
    this.ws();
    if (this.i >= this.n) this.fail('empty: expected an array literal such as [1, 2, 3]', 0, 0, 'syntax');
    // `<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>`
    if (this.s.charCodeAt(this.i) === C.Lt) {
      const k = this.s.indexOf('numpy=', this.i);
      if (k < 0) this.fail('a <...> repr without numpy=...: paste the array itself', this.i, 1);
      this.i = k + 6;
    }
    this.value(0);
    this.ws();
    if (this.s.charCodeAt(this.i) === C.Gt) { this.i++; this.ws(); }
    if (this.s.charCodeAt(this.i) === C.Semi) { this.i++; this.ws(); }
    if (this.i < this.n) this.fail(`unexpected text after the array: '${this.s.slice(this.i, this.i + 20)}'`, this.i, Math.min(20, this.n - this.i));
  }

  /** One value starting at `start` (after blanks/comments); returns where it ends. */
  parseOne(start: number): number {
    this.i = start;
    this.ws();
    if (this.i >= this.n) this.fail('expected an array literal', this.i, 0);
    this.value(0);
    return this.i;
  }

  /** One element at nesting `level` (0 = the whole literal). */
  private value(level: number): void {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === C.LBrack) { this.i++; this.sequence(level, C.RBrack, this.i - 1); return; }
    if (c === C.LParen) {
      // `(x)` without a comma is only grouping in Python, not a tuple: look ahead for `( number )`.
      let j = this.i + 1;
      while (s.charCodeAt(j) === C.Space || s.charCodeAt(j) === C.Tab || s.charCodeAt(j) === C.Nl || s.charCodeAt(j) === C.Cr) j++;
      const j0 = j;
      for (;;) {
        const d = s.charCodeAt(j);
        if ((d >= C.D0 && d <= C.D9) || d === C.Dot || d === C.Minus || d === C.Plus || d === C.Under || d === C.LowE || d === C.UpE) j++;
        else break;
      }
      while (s.charCodeAt(j) === C.Space || s.charCodeAt(j) === C.Tab || s.charCodeAt(j) === C.Nl || s.charCodeAt(j) === C.Cr) j++;
      if (j > j0 && s.charCodeAt(j) === C.RParen) {
        this.i = j0;
        this.number(level);
        this.ws();
        if (s.charCodeAt(this.i) !== C.RParen) this.fail("expected ')'", this.i, 1);
        this.i++;
        return;
      }
      const save = this.i;
      this.i++;
      this.sequence(level, C.RParen, save);
      return;
    }
    if ((c >= C.D0 && c <= C.D9) || c === C.Minus || c === C.Plus || c === C.Dot) { this.number(level); return; }
    if (isIdentStart(c)) { this.name(level); return; }
    if (this.i >= this.n) this.fail('unexpected end of text: a list is not closed', this.i, 0);
    if (c === C.Quote || c === C.DQuote || c === 0x2018 || c === 0x2019 || c === 0x201c || c === 0x201d) this.fail(`${this.where()}: a string where a number was expected`, this.i, 1, 'type');
    this.fail(`unexpected '${s[this.i]}' where a number or a list was expected`, this.i, 1);
  }

  /** A list/tuple opened at `open` (already consumed); its elements sit at level + 1. */
  private sequence(level: number, close: number, open: number): void {
    if (level + 1 > this.limits.maxDepth || level + 1 > HARD_MAX_DEPTH) {
      this.fail(`nested deeper than ${Math.min(this.limits.maxDepth, HARD_MAX_DEPTH)} levels (the limit)`, open, 1, 'limit');
    }
    if (this.rank !== -1 && level >= this.rank) {
      this.fail(`${this.where()}: a list where a number was expected (ragged nesting: numbers sit at depth ${this.rank})`, open, 1, 'ragged');
    }
    if ((this.rank === level + 1 || (this.rank === -1 && this.shape.length <= level + 1)) && this.fastLeaf(level, close, open)) return;
    const s = this.s;
    let count = 0;
    this.path.push(0);
    const p = this.path.length - 1;
    for (;;) {
      this.ws();
      let c = s.charCodeAt(this.i);
      if (c === close) { this.i++; break; }
      this.path[p] = count;
      // inline the common case: a plain number
      if ((c >= C.D0 && c <= C.D9) || c === C.Minus || c === C.Dot) this.number(level + 1);
      else this.value(level + 1);
      count++;
      this.ws();
      c = s.charCodeAt(this.i);
      if (c === C.Comma) { this.i++; continue; }
      if (c === close) { this.i++; break; }
      if (this.i >= this.n) this.fail(`'${String.fromCharCode(close === C.RBrack ? C.LBrack : C.LParen)}' is never closed`, open, 1);
      if (c === C.RBrack || c === C.RParen) this.fail(`'${s[this.i]}' does not match the '${s[open]}' opened at offset ${this.base + open}`, this.i, 1);
      this.fail(`expected ',' or '${String.fromCharCode(close)}' after an element, found '${s[this.i]}'`, this.i, 1);
    }
    this.path.pop();
    this.closeList(level, count, open);
  }

  /**
   * The hot path: a list of plain numbers separated by commas and blanks, scanned with locals only. Returns false
   * (having consumed nothing) at anything else — comments, names, nested lists, odd spellings — and the general
   * path reads the list instead.
   */
  private fastLeaf(level: number, close: number, open: number): boolean {
    const s = this.s;
    let i = this.i;
    let len = this.len;
    const len0 = len;
    let data = this.data;
    let count = 0;
    for (;;) {
      let c = s.charCodeAt(i);
      while (c === C.Space || c === C.Nl || c === C.Cr || c === C.Tab) c = s.charCodeAt(++i);
      if (c === close) { i++; break; }
      const start = i;
      let neg = false;
      if (c === C.Minus) { neg = true; c = s.charCodeAt(++i); }
      let mant = 0;
      let digits = 0;
      let exp10 = 0;
      let seen = false;
      while (c >= C.D0 && c <= C.D9) {
        seen = true;
        if (mant !== 0 || c !== C.D0) { mant = mant * 10 + (c - C.D0); digits++; }
        c = s.charCodeAt(++i);
      }
      if (c === C.Dot) {
        c = s.charCodeAt(++i);
        while (c >= C.D0 && c <= C.D9) {
          seen = true;
          if (mant !== 0 || c !== C.D0) { mant = mant * 10 + (c - C.D0); digits++; }
          exp10--;
          c = s.charCodeAt(++i);
        }
      }
      if (!seen) { this.len = len0; return false; }
      if (c === C.LowE || c === C.UpE) {
        c = s.charCodeAt(++i);
        let eneg = false;
        if (c === C.Minus || c === C.Plus) { eneg = c === C.Minus; c = s.charCodeAt(++i); }
        let e = 0;
        let ed = 0;
        while (c >= C.D0 && c <= C.D9) { if (e < 100000) e = e * 10 + (c - C.D0); ed++; c = s.charCodeAt(++i); }
        if (ed === 0) { this.len = len0; return false; }
        exp10 += eneg ? -e : e;
      }
      let v: number;
      if (digits <= 15 && exp10 >= -22 && exp10 <= 22) v = exp10 < 0 ? mant / POW10[-exp10] : mant * POW10[exp10];
      else v = Number(s.slice(neg ? start + 1 : start, i));
      if (len === data.length) {
        this.len = len;
        this.grow(start);
        data = this.data;
      }
      data[len++] = neg ? -v : v;
      count++;
      while (c === C.Space || c === C.Nl || c === C.Cr || c === C.Tab) c = s.charCodeAt(++i);
      if (c === C.Comma) { i++; continue; }
      if (c === close) { i++; break; }
      this.len = len0;
      return false;
    }
    if (count > 0 && this.rank === -1) this.rank = level + 1;
    this.len = len;
    this.i = i;
    this.closeList(level, count, open);
    return true;
  }

  private closeList(level: number, count: number, open: number): void {
    const known = this.shape[level];
    if (known === undefined) this.shape[level] = count;
    else if (known !== count) {
      const row = this.path.length ? `${this.what}[${this.path.join('][')}]` : this.what;
      this.fail(`ragged: row ${row} has length ${count}, expected ${known} like the rows before it`, open, this.i - open, 'ragged');
    }
  }

  private number(level: number): void {
    const s = this.s;
    const start = this.i;
    let c = s.charCodeAt(this.i);
    let neg = false;
    if (c === C.Minus || c === C.Plus) {
      neg = c === C.Minus;
      this.i++;
      c = s.charCodeAt(this.i);
      if (c === C.Space || c === C.Tab) { this.ws(); c = s.charCodeAt(this.i); }
      if (isIdentStart(c)) { this.name(level, neg, start); return; }
      if (c === C.LParen) {
        // -(1.5) is rare; read it as a grouped number
        this.i++; this.ws();
        const at = this.len;
        this.number(level);
        this.ws();
        if (s.charCodeAt(this.i) !== C.RParen) this.fail("expected ')'", this.i, 1);
        this.i++;
        if (neg) this.data[at] = -this.data[at];
        return;
      }
    }
    const numStart = this.i;
    let mant = 0;
    let digits = 0;
    let exp10 = 0;
    let seen = false;
    let simple = true;
    for (;;) {
      c = s.charCodeAt(this.i);
      if (c >= C.D0 && c <= C.D9) {
        seen = true;
        if (mant !== 0 || c !== C.D0) { mant = mant * 10 + (c - C.D0); digits++; }
        this.i++;
      } else if (c === C.Under) { simple = false; this.i++; } else break;
    }
    if (c === C.Dot) {
      this.i++;
      for (;;) {
        c = s.charCodeAt(this.i);
        if (c >= C.D0 && c <= C.D9) {
          seen = true;
          if (mant !== 0 || c !== C.D0) { mant = mant * 10 + (c - C.D0); digits++; }
          exp10--;
          this.i++;
        } else if (c === C.Under) { simple = false; this.i++; } else break;
      }
    }
    if (!seen) this.fail(`'${s.slice(start, this.i + 1)}' is not a number`, start, Math.max(1, this.i - start + 1));
    if (c === C.LowE || c === C.UpE) {
      this.i++;
      c = s.charCodeAt(this.i);
      let eneg = false;
      if (c === C.Minus || c === C.Plus) { eneg = c === C.Minus; this.i++; c = s.charCodeAt(this.i); }
      let e = 0;
      let edigits = 0;
      while (c >= C.D0 && c <= C.D9) { if (e < 100000) e = e * 10 + (c - C.D0); edigits++; this.i++; c = s.charCodeAt(this.i); }
      if (edigits === 0) this.fail(`'${s.slice(start, this.i)}' has an exponent without digits`, start, this.i - start);
      exp10 += eneg ? -e : e;
    }
    // What may follow a number: a separator, a closer, a blank, a comment, or the end.
    if (!(c === C.Comma || c === C.RBrack || c === C.RParen || c <= C.Space || c === C.Hash || c === C.Slash || c === C.Semi || c === C.Gt || Number.isNaN(c) || c === 0xa0)) {
      let j = this.i;
      while (j < this.n && isIdentPart(s.charCodeAt(j))) j++;
      this.fail(`'${s.slice(start, Math.max(j, this.i + 1))}' is not a number`, start, Math.max(j, this.i + 1) - start);
    }
    let v: number;
    if (simple && digits <= 15 && exp10 >= -22 && exp10 <= 22) {
      v = exp10 < 0 ? mant / POW10[-exp10] : mant * POW10[exp10];
    } else {
      const text = s.slice(numStart, this.i);
      v = Number(simple ? text : text.replace(/_/g, ''));
      if (Number.isNaN(v)) this.fail(`'${s.slice(start, this.i)}' is not a number`, start, this.i - start);
    }
    this.push(neg ? -v : v, level, start);
  }

  /** A name in value position: True/False, nan/inf spellings, None (refused), or a wrapper call. */
  private name(level: number, neg = false, start = this.i): void {
    const s = this.s;
    const b = this.i;
    while (this.i < this.n) {
      const c = s.charCodeAt(this.i);
      if (isIdentPart(c) || (c === C.Dot && isIdentStart(s.charCodeAt(this.i + 1)))) this.i++;
      else break;
    }
    const word = s.slice(b, this.i);
    const sign = neg ? -1 : 1;
    if (NAN_NAMES.has(word)) { this.push(NaN, level, start); return; }
    if (INF_NAMES.has(word)) { this.push(sign * Infinity, level, start); return; }
    if (word === 'True' || word === 'true') { this.push(sign * 1, level, start); return; }
    if (word === 'False' || word === 'false') { this.push(sign * 0, level, start); return; }
    if (word === 'None' || word === 'null' || word === 'undefined') {
      this.fail(`${this.where()}: ${word} is not a number (replace it with a value, or with nan to see how the loss treats it)`, b, word.length, 'type');
    }
    const save = this.i;
    this.ws();
    if (s.charCodeAt(this.i) === C.LParen && (WRAPPERS.has(word) || /^(np|numpy|jnp|tf|torch)\.(float\d+|int\d+|double)$/.test(word))) {
      this.i++;
      this.ws();
      if ((word === 'float' || word === 'np.float32' || word === 'np.float64') && (s.charCodeAt(this.i) === C.Quote || s.charCodeAt(this.i) === C.DQuote)) {
        this.floatString(level, sign, start);
      } else if (neg) {
        const at = this.len;
        this.value(level);
        for (let k = at; k < this.len; k++) this.data[k] = -this.data[k];
      } else this.value(level);
      this.kwargsThenClose(word, b);
      return;
    }
    this.i = save;
    if (s.charCodeAt(this.i) === C.LParen) this.fail(`${word}(...) is not an array constructor this reader knows (np.array, tf.constant, torch.tensor, ...)`, b, word.length, 'syntax');
    this.fail(`${this.where()}: '${word}' is not a number (only literals are read here; select the whole snippet to evaluate names)`, b, word.length, 'name');
  }

  /** float('nan'), float("-inf"), float('1.5'). */
  private floatString(level: number, sign: number, start: number): void {
    const s = this.s;
    const q = s.charCodeAt(this.i);
    const end = s.indexOf(String.fromCharCode(q), this.i + 1);
    if (end < 0) this.fail('unterminated string', this.i, 1);
    const body = s.slice(this.i + 1, end).trim().toLowerCase();
    let v: number;
    if (/^[+-]?nan$/.test(body)) v = NaN;
    else if (/^[+-]?inf(inity)?$/.test(body)) v = body.startsWith('-') ? -Infinity : Infinity;
    else { v = body === '' ? NaN : Number(body.replace(/_/g, '')); if (Number.isNaN(v)) this.fail(`float('${body}'): not a number`, this.i, end - this.i + 1); }
    this.i = end + 1;
    this.push(sign * v, level, start);
  }

  /** After a wrapper's array: `, dtype=np.float32, requires_grad=True)` and the closing parenthesis. */
  private kwargsThenClose(word: string, at: number): void {
    const s = this.s;
    for (;;) {
      this.ws();
      const c = s.charCodeAt(this.i);
      if (c === C.RParen) { this.i++; return; }
      if (c !== C.Comma) this.fail(`expected ')' to close ${word}(`, this.i, 1);
      this.i++;
      this.ws();
      if (s.charCodeAt(this.i) === C.RParen) { this.i++; return; }
      // keyword=value, or a positional dtype (tf.constant(x, tf.float32)); values are names, strings or numbers
      const k0 = this.i;
      while (this.i < this.n && (isIdentPart(s.charCodeAt(this.i)) || s.charCodeAt(this.i) === C.Dot)) this.i++;
      if (this.i === k0) this.fail(`expected a keyword argument (dtype=...) in ${word}(...)`, this.i, 1);
      this.ws();
      if (s.charCodeAt(this.i) === C.Eq) {
        this.i++;
        this.ws();
        const v0 = this.i;
        const q = s.charCodeAt(this.i);
        if (q === C.Quote || q === C.DQuote) {
          const e = s.indexOf(String.fromCharCode(q), this.i + 1);
          if (e < 0) this.fail('unterminated string', this.i, 1);
          this.i = e + 1;
        } else {
          while (this.i < this.n) {
            const d = s.charCodeAt(this.i);
            if (isIdentPart(d) || d === C.Dot || d === C.Minus || d === C.Plus) this.i++; else break;
          }
        }
        if (this.i === v0) this.fail(`expected a value after '=' in ${word}(...)`, this.i, 1);
      }
      if (this.i - at > 0 && this.i >= this.n) this.fail(`${word}( is never closed`, at, word.length + 1);
    }
  }

  finish(): Tensor {
    const shape = this.shape.slice(0, this.rank === -1 ? this.shape.length : this.rank);
    let size = 1;
    for (const d of shape) size *= d;
    if (size !== this.len) throw new LossInspectorError(`${this.what}: internal error: ${this.len} numbers for shape [${shape.join(', ')}]`, { code: 'internal', argument: this.what });
    // a view when little capacity is wasted, else a tight copy
    const data = this.len === this.data.length ? this.data : this.len >= this.data.length * 0.75 ? this.data.subarray(0, this.len) : this.data.slice(0, this.len);
    return { data, shape };
  }
}

/**
 * Parses an array literal into a dense tensor. `baseOffset` is added to every error offset (the position of
 * `text` in the user's document). Throws LossInspectorError with code 'syntax' | 'ragged' | 'type' | 'name' | 'limit'.
 */
export function parseArrayLiteralTensor(text: string, what = 'array', baseOffset = 0, limits: Partial<LiteralLimits> = {}): Tensor {
  const lim: LiteralLimits = { ...DEFAULT_LITERAL_LIMITS, ...limits };
  if (text.length > lim.maxChars) {
    throw new LossInspectorError(`${what}: the text is ${(text.length / 1e6).toFixed(1)} M characters, over the limit of ${(lim.maxChars / 1e6).toFixed(1)} M; select less, or raise the limit in the settings.`,
      { argument: what, code: 'limit', offset: baseOffset, length: 0, received: `${text.length} characters`, expected: `at most ${lim.maxChars}` });
  }
  return guarded(what, baseOffset, () => {
    const sc = new Scanner(text, what, baseOffset, lim);
    sc.parseTop();
    return sc.finish();
  });
}

/** Only LossInspectorError leaves the scanner (an allocation failure under a raised limit becomes one). */
function guarded<T>(what: string, baseOffset: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof LossInspectorError) throw e;
    throw new LossInspectorError(`${what}: could not read the array (${e instanceof Error ? e.message : String(e)}); lower the size limits or select less.`, { argument: what, code: 'limit', offset: baseOffset, length: 0 });
  }
}

/** Parses an array literal into nested arrays (a number for a scalar). */
export function parseArrayLiteral(text: string, what = 'array', limits: Partial<LiteralLimits> = {}): Nested {
  return toNested(parseArrayLiteralTensor(text, what, 0, limits));
}

/**
 * Reads one array literal that starts at `start` in `text` (after blanks and comments) and may be followed by
 * anything: returns the tensor and the offset just past the literal. Errors carry offsets into `text` + baseOffset.
 */
export function scanArrayLiteral(text: string, start: number, what = 'array', baseOffset = 0, limits: Partial<LiteralLimits> = {}, end = text.length): { tensor: Tensor; from: number; end: number } {
  const lim: LiteralLimits = { ...DEFAULT_LITERAL_LIMITS, ...limits };
  if (text.length > lim.maxChars) {
    throw new LossInspectorError(`${what}: the text is ${(text.length / 1e6).toFixed(1)} M characters, over the limit of ${(lim.maxChars / 1e6).toFixed(1)} M; select less, or raise the limit in the settings.`,
      { argument: what, code: 'limit', offset: baseOffset, length: 0 });
  }
  return guarded(what, baseOffset, () => {
    const sc = new Scanner(text, what, baseOffset, lim, start, Math.min(end, text.length));
    const stop = sc.parseOne(start);
    return { tensor: sc.finish(), from: firstNonBlank(text, start), end: stop };
  });
}

function firstNonBlank(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text[i] === '#' || (text[i] === '/' && text[i + 1] === '/')) { const nl = text.indexOf('\n', i); i = nl < 0 ? text.length : nl + 1; continue; }
    if (text[i] === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 2; continue; }
    return i;
  }
}

/**
 * A loss parameter typed as Python text (the panel's free-text fields): None, True/False, a number (`1_000`,
 * `.5`, `1e-3`, `inf`), a list or tuple literal, nested (read by the array-literal scanner), or a string.
 */
export function parseParamText(text: string, what = 'value'): ParamValue {
  const t = text.trim();
  if (t === '' || t === 'None') return null;
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (/^[([]/.test(t)) return parseArrayLiteral(t, what) as ParamValue;
  const n = t.replace(/_/g, '');
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(n)) return Number(n);
  if (/^[-+]?(inf|nan)$/i.test(n)) return n.toLowerCase().includes('nan') ? NaN : n.startsWith('-') ? -Infinity : Infinity;
  return t.replace(/^(['"])(.*)\1$/, '$2');
}
