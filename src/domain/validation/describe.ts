// Bounded, never-throwing renderings of request values for error messages.

/** Longest rendering of a value placed in an error message. */
export const MAX_RENDERING = 60;

const MAX_DEPTH = 3;

/**
 * A short JSON-like rendering of any value, at most `limit` characters (longer renderings end in
 * `…`). Large strings, arrays and objects are only read as far as the limit needs; getters that
 * throw, proxies, cycles, bigints and symbols are all handled, so this never throws.
 */
export function describeValue(value: unknown, limit: number = MAX_RENDERING): string {
  let out: string;
  try {
    out = render(value, limit + 1, 0);
  } catch {
    out = 'an unprintable value';
  }
  return out.length > limit ? `${out.slice(0, Math.max(0, limit - 1))}…` : out;
}

function render(value: unknown, budget: number, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > budget ? value.slice(0, budget) : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
  let out = Array.isArray(value) ? '[' : '{';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (out.length > budget) return `${out}…`;
      out += (i > 0 ? ',' : '') + render(value[i], Math.max(0, budget - out.length), depth + 1);
    }
    return `${out}]`;
  }
  let first = true;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (out.length > budget) return `${out}…`;
    const name = JSON.stringify(key.length > budget ? key.slice(0, budget) : key);
    out += `${first ? '' : ','}${name}:${render(record[key], Math.max(0, budget - out.length), depth + 1)}`;
    first = false;
  }
  return `${out}}`;
}

/** What kind of JSON value something is, for "expected an object, got …" messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
}
