import { routeSpecs } from '../../functions/api/route-specs';

export interface MalformedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const ODD_STRINGS = [
  '',
  ' ',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '%E0%A4%A',
  '%',
  '\u0000',
  '💥🔥',
  'ｆｕｌｌｗｉｄｔｈ',
  '\u202Eevil',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  'x'.repeat(5000),
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  '2026-02-30',
  '2026-W99',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '__proto__',
  'constructor',
];

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function oddString(random: () => number): string {
  if (random() < 0.2) {
    // Any code point but lone surrogates, which no URL or UTF-8 body can carry.
    const codePoint = (): number => {
      const value = Math.floor(random() * 0x2ffff);
      return value >= 0xd800 && value <= 0xdfff ? value - 0x800 : value;
    };
    return Array.from({ length: 1 + Math.floor(random() * 40) }, () => String.fromCodePoint(codePoint())).join('');
  }
  return pick(random, ODD_STRINGS);
}

/** A random JSON value: wrong types, huge and non-finite numbers, deep nesting, odd keys. */
function oddValue(random: () => number, depth = 0): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.25) return pick(random, [null, true, false, 0, -0, 1e308, -1e308, 2 ** 53 + 1, 0.1, -7, Number.MAX_SAFE_INTEGER]);
  if (roll < 0.5) return oddString(random);
  if (roll < 0.7) return Array.from({ length: Math.floor(random() * 5) }, () => oddValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  const keys = ['type', 'period', 'params', 'force', 'events', 'from', 'to', 'metric', 'ts', 'value', 'dims', 'onlyMissing', '__proto__', 'constructor', oddString(random)];
  for (let i = 0; i < 1 + Math.floor(random() * 5); i += 1) object[pick(random, keys)] = oddValue(random, depth + 1);
  return object;
}

function oddBody(random: () => number): string | undefined {
  const roll = random();
  if (roll < 0.1) return undefined;
  if (roll < 0.2) return '{"events": [';
  if (roll < 0.25) return '{'.repeat(5000);
  if (roll < 0.3) return '\u0000\u0001\u0002';
  if (roll < 0.35) return JSON.stringify({ events: Array.from({ length: 3 }, () => ({ metric: oddString(random), ts: oddString(random), value: oddValue(random), dims: oddValue(random) })) });
  if (roll < 0.4) return oddString(random);
  return JSON.stringify(oddValue(random));
}

/**
 * One request a confused or hostile client might send: a real route's path with odd parameters
 * (or an odd path), any method, odd query strings, headers and bodies. Seeded, so a failure
 * names a reproducible request.
 */
export function malformedRequest(random: () => number, adminToken: string): MalformedRequest {
  const spec = pick(random, routeSpecs);
  // Never a real job type or snapshot kind in a path: the fuzz must not start real work.
  let path = random() < 0.1 ? `/${oddString(random)}` : spec.path.replace(/\{[^}]+\}/g, () => encodeURI(oddString(random)).slice(0, 3000));
  if (random() < 0.5) {
    const pairs = Array.from({ length: 1 + Math.floor(random() * 4) }, () => `${encodeURIComponent(pick(random, ['limit', 'cursor', 'from', 'to', 'metric', 'groupBy', 'type', 'status', 'period', 'scope', 'since', oddString(random)]))}=${encodeURIComponent(oddString(random))}`);
    path += `?${pairs.join('&')}`;
  }
  const method = random() < 0.8 ? spec.method : pick(random, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
  const headers: Record<string, string> = {};
  const auth = random();
  if (auth < 0.7) headers['authorization'] = `Bearer ${adminToken}`;
  else if (auth < 0.8) headers['authorization'] = `Bearer ${encodeURIComponent(oddString(random)).slice(0, 200)}`;
  else if (auth < 0.85) headers['authorization'] = 'Basic dXNlcjpwYXNz';
  const contentType = random();
  headers['content-type'] = contentType < 0.6 ? 'application/json' : contentType < 0.75 ? 'application/x-ndjson' : contentType < 0.9 ? 'text/plain' : 'application/json; charset=latin1';
  if (random() < 0.1) headers['idempotency-key'] = encodeURIComponent(oddString(random)).slice(0, 300);
  const body = method === 'GET' || method === 'OPTIONS' ? undefined : oddBody(random);
  return { method, path, headers, ...(body !== undefined ? { body } : {}) };
}
