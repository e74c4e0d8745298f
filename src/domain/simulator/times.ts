// Small shared helpers of the simulator: time strings and references.

/** A simulated time (seconds since the epoch) as the controller writes times: `YYYY-MM-DD HH:MM:SS`. */
export function simTime(secs: number): string {
  return new Date(secs * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A reference in stored form (`/api/<type>/<uuid>#<name>`). */
export function ref(type: string, uuid: string, name?: string): string {
  return `/api/${type}/${uuid}${name !== undefined ? `#${name}` : ''}`;
}

/** The uuid of a reference in any of its forms (URL, path, with or without `#name`). */
export function refUuid(value: string): string {
  const noName = value.split('#')[0] ?? value;
  const parts = noName.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? noName;
}

/** The `#name` of a reference, if it has one. */
export function refName(value: string): string | undefined {
  const i = value.indexOf('#');
  return i >= 0 ? value.slice(i + 1) : undefined;
}
