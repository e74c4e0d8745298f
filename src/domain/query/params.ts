// The raw query string of a request, as the HTTP layer parsed it, and how one parameter is read.

export type QueryParams = Record<string, string | string[] | undefined>;

/** The value of a parameter; when it is repeated, the last one wins (as on controllers since 31.2.2). */
export function single(params: QueryParams, key: string): string | undefined {
  if (!Object.hasOwn(params, key)) return undefined;
  const v = params[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}
