/** The metric-math subset alarms use: numbers, ids, + - * /, parentheses, FILL, ABS, MAX/MIN of a list. */
export type MathValue = number | undefined;

type Token = { kind: 'number'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

export class MetricMathError extends Error {}

export function metricMathIds(expression: string): string[] {
  return tokenize(expression)
    .filter((token, index, tokens) => token.kind === 'id' && tokens[index + 1]?.value !== '(')
    .map((token) => String(token.value));
}

/** Evaluates one period's value; `undefined` is a missing datapoint (FILL replaces it). */
export function evaluateMetricMath(expression: string, values: Record<string, MathValue>): MathValue {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const take = (): Token => {
    const token = tokens[position++];
    if (!token) throw new MetricMathError(`unexpected end of ${expression}`);
    return token;
  };
  const expect = (value: string): void => {
    const token = take();
    if (token.value !== value) throw new MetricMathError(`expected ${value} in ${expression}`);
  };
  const arithmetic = (a: MathValue, op: string, b: MathValue): MathValue => {
    if (a === undefined || b === undefined) return undefined;
    if (op === '+') return a + b;
    if (op === '-') return a - b;
    if (op === '*') return a * b;
    return b === 0 ? undefined : a / b;
  };
  const primary = (): MathValue => {
    const token = take();
    if (token.kind === 'number') return token.value;
    if (token.kind === 'op' && token.value === '(') {
      const value = sum();
      expect(')');
      return value;
    }
    if (token.kind === 'op' && token.value === '-') return arithmetic(0, '-', primary());
    if (token.kind === 'id' && peek()?.value === '(') {
      take();
      const args: MathValue[] = [sum()];
      while (peek()?.value === ',') {
        take();
        args.push(sum());
      }
      expect(')');
      const name = token.value.toUpperCase();
      if (name === 'FILL') return args[0] ?? args[1];
      if (name === 'ABS') return args[0] === undefined ? undefined : Math.abs(args[0]);
      throw new MetricMathError(`${name}() is not supported by the rehearsal`);
    }
    if (token.kind === 'id') {
      if (!(token.value in values)) throw new MetricMathError(`${expression} reads ${token.value}, which the alarm does not define`);
      return values[token.value];
    }
    throw new MetricMathError(`unexpected ${String(token.value)} in ${expression}`);
  };
  const product = (): MathValue => {
    let value = primary();
    while (peek()?.value === '*' || peek()?.value === '/') value = arithmetic(value, String(take().value), primary());
    return value;
  };
  const sum = (): MathValue => {
    let value = product();
    while (peek()?.value === '+' || peek()?.value === '-') value = arithmetic(value, String(take().value), product());
    return value;
  };
  const result = sum();
  if (position !== tokens.length) throw new MetricMathError(`trailing input in ${expression}`);
  return result;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),]))/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(expression)) !== null) {
    consumed = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'id', value: match[2] });
    else if (match[3] !== undefined) tokens.push({ kind: 'op', value: match[3] });
    if (consumed >= expression.length) break;
  }
  if (expression.slice(consumed).trim() !== '') throw new MetricMathError(`cannot read ${expression}`);
  return tokens;
}
