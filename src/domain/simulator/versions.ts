// What a finished operation does to a record's version, patch and rollback fields.
import type { OpKind } from './operation.js';
import { ref } from './times.js';

type Doc = Record<string, unknown>;

/** The target of an operation for one kind of record (controller or SE group). */
export interface VersionTarget {
  /** The new base image (UPGRADE). */
  image?: { uuid: string; name: string };
  /** The patch image to apply (UPGRADE with a patch, PATCH). */
  patch?: { uuid: string; name: string; patchVersion: string };
}

const PREVIOUS: ReadonlyArray<[string, string]> = [
  ['version', 'previous_version'],
  ['image_ref', 'previous_image_ref'],
  ['patch_version', 'previous_patch_version'],
  ['patch_image_ref', 'previous_patch_image_ref'],
  ['patch_list', 'previous_patch_list'],
];

function setOrDelete(doc: Doc, key: string, value: unknown): void {
  if (value === undefined) delete doc[key];
  else doc[key] = value;
}

/** Applies the finished operation `ops` to `doc` (in place); false when it changes nothing. */
export function applyVersionChange(doc: Doc, ops: OpKind, target: VersionTarget): boolean {
  switch (ops) {
    case 'UPGRADE': {
      if (!target.image) return false;
      for (const [cur, prev] of PREVIOUS) setOrDelete(doc, prev, doc[cur]);
      doc.version = target.image.name;
      doc.image_ref = ref('image', target.image.uuid, target.image.name);
      for (const k of ['patch_version', 'patch_image_ref', 'patch_list']) delete doc[k];
      if (target.patch) addPatch(doc, target.patch);
      doc.enable_rollback = true;
      doc.enable_patch_rollback = false;
      return true;
    }
    case 'PATCH': {
      if (!target.patch) return false;
      setOrDelete(doc, 'previous_patch_version', doc.patch_version);
      setOrDelete(doc, 'previous_patch_image_ref', doc.patch_image_ref);
      addPatch(doc, target.patch);
      doc.enable_patch_rollback = true;
      return true;
    }
    case 'ROLLBACK': {
      if (typeof doc.previous_version !== 'string') return false;
      const current = Object.fromEntries(PREVIOUS.map(([cur]) => [cur, doc[cur]]));
      for (const [cur, prev] of PREVIOUS) setOrDelete(doc, cur, doc[prev]);
      for (const [cur, prev] of PREVIOUS) setOrDelete(doc, prev, current[cur]);
      doc.enable_rollback = false;
      doc.enable_patch_rollback = false;
      return true;
    }
    case 'ROLLBACKPATCH': {
      if (typeof doc.patch_version !== 'string') return false;
      setOrDelete(doc, 'patch_version', doc.previous_patch_version);
      setOrDelete(doc, 'patch_image_ref', doc.previous_patch_image_ref);
      delete doc.previous_patch_version;
      delete doc.previous_patch_image_ref;
      const list = Array.isArray(doc.patch_list) ? doc.patch_list.slice(0, -1) : [];
      setOrDelete(doc, 'patch_list', list.length > 0 ? list : undefined);
      doc.enable_patch_rollback = false;
      return true;
    }
    case 'SEGROUP_RESUME':
      return false;
  }
}

function addPatch(doc: Doc, patch: NonNullable<VersionTarget['patch']>): void {
  const patchRef = ref('image', patch.uuid, patch.name);
  doc.patch_version = patch.patchVersion;
  doc.patch_image_ref = patchRef;
  const list = Array.isArray(doc.patch_list) ? [...(doc.patch_list as unknown[])] : [];
  list.push({ patch_version: patch.patchVersion, patch_image_ref: patchRef });
  doc.patch_list = list;
}

/** `30.2.1-9046-...` → [30, 2, 1, 9046], for ordering image names. */
export function versionKey(name: string): number[] {
  const [num = '', build = ''] = name.split('-');
  return [...num.split('.').map(Number), Number(build)];
}

export function compareImageNames(a: string, b: string): number {
  const ka = versionKey(a);
  const kb = versionKey(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return 0;
}
