/**
 * The Logs Insights subset saved queries use: `fields`, `filter` (and, or, not, =, !=, <, >, <=,
 * >=, in [...], like), `sort`, `limit`, `stats … by`. Enough to list the fields a query reads and
 * run its filter over the log events the rehearsal collected.
 */
export interface ParsedQuery {
  fields: string[];
  filters: string[];
}

export function parseQuery(query: string): ParsedQuery {
  const fields = new Set<string>();
  const filters: string[] = [];
  for (const command of query.split('|').map((part) => part.trim())) {
    const [verb = '', ...rest] = command.split(/\s+/);
    const argument = command.slice(verb.length).trim();
    switch (verb) {
      case 'fields':
      case 'display':
        for (const field of argument.split(',').map((part) => part.trim())) fields.add(field);
        break;
      case 'filter':
        filters.push(argument);
        for (const token of tokenize(argument)) if (token.kind === 'field') fields.add(token.value);
        break;
      case 'sort':
        fields.add(rest[0] ?? '');
        break;
      case 'stats':
        for (const match of argument.matchAll(/\(([A-Za-z_@][\w.@]*)\)/g)) fields.add(match[1] ?? '');
        for (const field of (/\bby\b(.*)$/.exec(argument)?.[1] ?? '').split(',')) if (field.trim()) fields.add(field.trim());
        break;
      default:
        break;
    }
  }
  return { fields: [...fields].filter((field) => field !== ''), filters };
}

type Token = { kind: 'field' | 'string' | 'number' | 'op' | 'word'; value: string };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(-?\d+(?:\.\d+)?)|(!=|<=|>=|=~|[=<>()[\],])|([A-Za-z_@][\w.@]*))/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (match[1] !== undefined || match[2] !== undefined) tokens.push({ kind: 'string', value: (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1') });
    else if (match[3] !== undefined) tokens.push({ kind: 'number', value: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: 'op', value: match[4] });
    else if (match[5] !== undefined) tokens.push(KEYWORDS.has(match[5].toLowerCase()) ? { kind: 'word', value: match[5].toLowerCase() } : { kind: 'field', value: match[5] });
    if (pattern.lastIndex >= text.length) break;
  }
  return tokens;
}

/** Runs one filter expression over a log event's fields. */
export function matchesFilter(filter: string, fields: Record<string, unknown>): boolean {
  const tokens = tokenize(filter);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const take = (): Token => {
    const token = tokens[position++];
    if (!token) throw new Error(`unexpected end of filter ${filter}`);
    return token;
  };
  const operand = (): unknown => {
    const token = take();
    if (token.kind === 'string') return token.value;
    if (token.kind === 'number') return Number(token.value);
    if (token.kind === 'field') return fieldValue(fields, token.value);
    if (token.value === '[') {
      const list: unknown[] = [];
      while (peek()?.value !== ']') {
        list.push(operand());
        if (peek()?.value === ',') take();
      }
      take();
      return list;
    }
    throw new Error(`unexpected ${token.value} in filter ${filter}`);
  };
  const comparison = (): boolean => {
    if (peek()?.value === '(') {
      take();
      const value = disjunction();
      take();
      return value;
    }
    if (peek()?.value === 'not') {
      take();
      return !comparison();
    }
    const left = operand();
    const op = peek();
    if (!op || (op.kind !== 'op' && op.kind !== 'word') || op.value === ')' || op.value === 'and' || op.value === 'or') return left !== undefined && left !== null && left !== '' && left !== false;
    take();
    if (op.value === 'not' && peek()?.value === 'in') {
      take();
      return !(operand() as unknown[]).includes(left);
    }
    const right = operand();
    switch (op.value) {
      case '=':
        return left === right || (typeof right === 'number' && Number(left) === right);
      case '!=':
        return left !== right;
      case '<':
        return Number(left) < Number(right);
      case '>':
        return Number(left) > Number(right);
      case '<=':
        return Number(left) <= Number(right);
      case '>=':
        return Number(left) >= Number(right);
      case 'in':
        return Array.isArray(right) && right.includes(left);
      case 'like':
      case '=~':
        return typeof left === 'string' && left.includes(String(right));
      default:
        throw new Error(`operator ${op.value} in filter ${filter} is not supported by the rehearsal`);
    }
  };
  const conjunction = (): boolean => {
    let value = comparison();
    while (peek()?.value === 'and') {
      take();
      const right = comparison();
      value = value && right;
    }
    return value;
  };
  const disjunction = (): boolean => {
    let value = conjunction();
    while (peek()?.value === 'or') {
      take();
      const right = conjunction();
      value = value || right;
    }
    return value;
  };
  return disjunction();
}

/** `a.b` reads nested JSON as Logs Insights flattens it. */
export function fieldValue(fields: Record<string, unknown>, name: string): unknown {
  if (name in fields) return fields[name];
  return name.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), fields);
}

/** Every field name of an event, nested ones flattened with dots. */
export function fieldNames(fields: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(fields).flatMap(([key, value]) =>
    value && typeof value === 'object' && !Array.isArray(value) ? [`${prefix}${key}`, ...fieldNames(value as Record<string, unknown>, `${prefix}${key}.`)] : [`${prefix}${key}`],
  );
}
