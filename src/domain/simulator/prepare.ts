// Checks an operation against the tenant's records and the fleet's images, and prepares the
// input of its run. Everything that can be told at once is refused here with a 400 naming the
// parameter or the pre-check; what cannot (injected faults) fails later, in the run.
import { ApiError } from '../../errors/catalogue.js';
import { findImage, type Fleet, type SimImage } from './fleet.js';
import type { OperationSpec } from './operation.js';
import type { Doc, GroupInfo, RunInput, SeInfo } from './plan.js';
import { refName, refUuid } from './times.js';
import { compareImageNames, type VersionTarget } from './versions.js';

const SE_LISTS = [
  'se_upgrade_not_started',
  'se_upgrade_in_progress',
  'se_upgrade_completed',
  'se_upgrade_failed',
  'se_upgrade_suspended',
  'se_upgrade_skip_suspended',
];

export function precheckFailed(code: string, why: string): ApiError {
  return new ApiError(400, `Pre-check ${code} failed: ${why}`);
}

export interface PrepareOptions {
  concurrency: number;
  startSecs: number;
  enterprise: boolean;
  rebootSeconds: number;
}

/** The run input of `spec` over `records` (the stored bodies of the tenant's records). */
export function prepareRun(
  spec: OperationSpec,
  records: Doc[],
  fleet: Fleet | undefined,
  opts: PrepareOptions,
): RunInput {
  const cluster = records.find((r) => r.node_type === 'NODE_CONTROLLER_CLUSTER');
  if (!cluster) {
    throw new ApiError(
      400,
      'No controller cluster record (NODE_CONTROLLER_CLUSTER) in this tenant: create a fleet first (POST /api/simulator/fleet).',
    );
  }
  const allGroups = records.filter((r) => r.node_type === 'NODE_SE_GROUP');
  let groupDocs: Doc[];
  if (spec.scope === 'system') groupDocs = allGroups;
  else if (spec.scope === 'controller') groupDocs = [];
  else {
    groupDocs = spec.segroups.map((key) => {
      const found = allGroups.find((g) => g.uuid === key || g.name === key);
      if (!found)
        throw new ApiError(
          400,
          `Invalid value for field 'se_group_uuids': SE group '${key.slice(0, 80)}' does not exist.`,
        );
      return found;
    });
  }
  const clusterVersion = String(cluster.version ?? '');
  const controller: VersionTarget = {};
  const se: VersionTarget = {};
  const leads = spec.scope === 'segroups' ? groupDocs : [cluster];
  if (spec.ops === 'UPGRADE') {
    const image = systemImage(fleet, spec.image as string, 'image_uuid');
    for (const lead of leads) {
      if (compareImageNames(image.name, String(lead.version ?? '')) <= 0) {
        throw precheckFailed(
          'SYSERR_UPGRADE_OPS_CHECK_IMAGE_VERSION',
          `image ${image.name} is not newer than ${String(lead.name)}'s version ${String(lead.version)}.`,
        );
      }
    }
    if (spec.scope === 'segroups' && compareImageNames(image.name, clusterVersion) > 0) {
      throw precheckFailed(
        'SYSERR_UPGRADE_OPS_CHECK_VERSION_COMPATIBILITY',
        `SE groups cannot run a newer version (${image.name}) than the controller (${clusterVersion}).`,
      );
    }
    controller.image = se.image = image;
    if (spec.controllerPatch !== undefined)
      controller.patch = patchImage(fleet, spec.controllerPatch, image.name, 'controller_patch_uuid');
    if (spec.sePatch !== undefined) se.patch = patchImage(fleet, spec.sePatch, image.name, 'se_patch_uuid');
  } else if (spec.ops === 'PATCH') {
    if (spec.controllerPatch !== undefined)
      controller.patch = patchImage(fleet, spec.controllerPatch, clusterVersion, 'controller_patch_uuid');
    if (spec.sePatch !== undefined) {
      const base = spec.scope === 'segroups' ? String(groupDocs[0]?.version ?? '') : clusterVersion;
      se.patch = patchImage(fleet, spec.sePatch, base, 'se_patch_uuid');
    }
    if (spec.scope !== 'controller' && !se.patch)
      throw new ApiError(400, "Field 'se_patch_uuid' is required to patch SE groups.");
  } else if (spec.ops === 'ROLLBACK' || spec.ops === 'ROLLBACKPATCH') {
    const field = spec.ops === 'ROLLBACK' ? 'previous_version' : 'patch_version';
    for (const lead of leads) {
      if (typeof lead[field] !== 'string') {
        throw precheckFailed(
          'SYSERR_UPGRADE_OPS_CHECK_ROLLBACK_BASICS',
          `${String(lead.name)} has no ${spec.ops === 'ROLLBACK' ? 'previous version' : 'patch'} to roll back.`,
        );
      }
    }
    if (spec.scope === 'system') groupDocs = groupDocs.filter((g) => typeof g[field] === 'string');
  }
  const groups = groupDocs.map(groupInfo);
  const docs = new Map<string, Doc>();
  const keep = new Set<string>([
    String(cluster.uuid),
    ...groups.map((g) => g.uuid),
    ...groups.flatMap((g) => g.ses.map((s) => s.uuid)),
  ]);
  for (const r of records) if (keep.has(String(r.uuid))) docs.set(String(r.uuid), cleanCopy(r));
  return {
    spec,
    docs,
    clusterUuid: String(cluster.uuid),
    nodes: controllerNodes(cluster, fleet),
    groups,
    controller,
    se,
    concurrency: concurrencyOf(cluster, opts.concurrency),
    startSecs: opts.startSecs,
    seed: fleet?.seed ?? 'simulator',
    enterprise: opts.enterprise,
    rebootSeconds: opts.rebootSeconds,
  };
}

function systemImage(fleet: Fleet | undefined, key: string, field: string): SimImage {
  const image = findImage(fleet, key);
  if (!image || image.type !== 'IMAGE_TYPE_SYSTEM') {
    throw new ApiError(
      400,
      `Invalid value for field '${field}': image '${key.slice(0, 80)}' does not exist${image ? ' as a system image' : ''} (see GET /api/simulator/fleet).`,
    );
  }
  return image;
}

function patchImage(
  fleet: Fleet | undefined,
  key: string,
  base: string,
  field: string,
): { uuid: string; name: string; patchVersion: string } {
  const image = findImage(fleet, key);
  if (!image || image.type !== 'IMAGE_TYPE_PATCH' || image.patchVersion === undefined) {
    throw new ApiError(
      400,
      `Invalid value for field '${field}': patch image '${key.slice(0, 80)}' does not exist (see GET /api/simulator/fleet).`,
    );
  }
  if (image.base !== base) {
    throw precheckFailed(
      'SYSERR_UPGRADE_OPS_CHECK_PATCH_IMAGE',
      `patch ${image.name} applies to ${String(image.base)}, not to ${base}.`,
    );
  }
  return { uuid: image.uuid, name: image.name, patchVersion: image.patchVersion };
}

function groupInfo(doc: Doc): GroupInfo {
  const seg = (doc.seg_status ?? {}) as Doc;
  const ses: SeInfo[] = [];
  for (const key of SE_LISTS) {
    const list = seg[key];
    if (!Array.isArray(list)) continue;
    for (const r of list) {
      if (typeof r !== 'string') continue;
      const uuid = refUuid(r);
      if (!ses.some((s) => s.uuid === uuid)) ses.push({ uuid, name: refName(r) ?? uuid });
    }
  }
  return { uuid: String(doc.uuid), name: String(doc.name ?? doc.uuid), ses };
}

function controllerNodes(cluster: Doc, fleet: Fleet | undefined): string[] {
  if (fleet && fleet.cluster.uuid === cluster.uuid) return fleet.cluster.nodes;
  const out: string[] = [];
  for (const e of (cluster.upgrade_events ?? []) as Doc[]) {
    for (const s of (e.sub_events ?? []) as Doc[]) {
      const addr = (s.ip as Doc | undefined)?.addr;
      if (typeof addr === 'string' && !out.includes(addr)) out.push(addr);
    }
  }
  return out.length > 0 ? out : ['10.10.0.11'];
}

function concurrencyOf(cluster: Doc, fallback: number): number {
  const params = (cluster.params ?? {}) as Doc;
  const n = ((params.service_engine ?? {}) as Doc).concurrent_segroup_upgrades;
  return typeof n === 'number' && n >= 1 ? n : fallback;
}

const SERVER_FIELDS = ['url', '_last_modified', 'tenant_ref'];

function cleanCopy(doc: Doc): Doc {
  const copy = structuredClone(doc);
  for (const k of SERVER_FIELDS) delete copy[k];
  return copy;
}
