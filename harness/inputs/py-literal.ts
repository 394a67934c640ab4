// The Python literals of a .npy header (a dict of strings, numbers, booleans, tuples), parsed
// with bounded nesting, and text from a file made safe for a one-line message.

const MAX_NESTING = 32; // header literals nest this deep at most (structured dtypes); bounds the recursion

/** Text from the file, for a message: on one line (control characters escaped) and short. */
export function clip(s: string, max = 120): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  // eslint-disable-next-line no-control-regex -- control characters are what it escapes
  return t.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The subset of Python literals a .npy header uses; tuples and lists both become arrays. */
export type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

export function pyRepr(v: PyValue): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `(${v.map(pyRepr).join(', ')})`;
  return `{${[...v].map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
}

export function parseHeaderDict(text: string, fail: (p: string) => never): Map<string, PyValue> {
  let i = 0;
  const bad = (what: string): never => fail(`malformed header (${what} at offset ${i}): ${clip(JSON.stringify(text.trimEnd()))}`);
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const atom = /True|False|None|-?\d+L?/y; // 'L': Python 2 era files wrote long ints as 3L
  const value = (depth: number): PyValue => {
    if (depth > MAX_NESTING) bad(`nested deeper than ${MAX_NESTING}`);
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      let s = '';
      for (i++; i < text.length && text[i] !== c; i++) s += text[i] === '\\' ? (text[++i] ?? '') : text[i]; // \' inside field names
      if (i >= text.length) bad('unterminated string');
      i++;
      return s;
    }
    if (c === '(' || c === '[' || c === '{') {
      const close = c === '(' ? ')' : c === '[' ? ']' : '}';
      const items: PyValue[] = [];
      const map = new Map<string, PyValue>();
      i++;
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return c === '{' ? map : items;
        }
        const v = value(depth + 1);
        if (c === '{') {
          if (typeof v !== 'string') bad('non-string key');
          ws();
          if (text[i] !== ':') bad("expected ':'");
          i++;
          map.set(v as string, value(depth + 1));
        } else {
          items.push(v);
        }
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) bad(`expected ',' or '${close}'`);
      }
    }
    atom.lastIndex = i;
    const m = atom.exec(text);
    if (!m) return bad('unexpected character');
    i += m[0].length;
    const t = m[0];
    return t === 'True' ? true : t === 'False' ? false : t === 'None' ? null : Number(t.replace('L', ''));
  };
  const dict = value(0);
  ws();
  if (i !== text.length) bad('trailing characters');
  if (!(dict instanceof Map)) return bad('not a dict');
  return dict;
}
