// The bodies of the controller's operation endpoints, parsed into one OperationSpec. Both body
// styles are accepted: the documented CLI-shaped keys (`image_uuid`, `se_group_uuids`, ...) and
// the typed parameter objects' `*_ref` keys (URLs or uuids); an empty string means "none".
import { ApiError, errors } from '../../errors/catalogue.js';
import { ACTION_ON_ERROR, CONTROLLER_TASKS } from '../schema/enums.js';
import { refUuid } from './times.js';

export type OpKind = 'UPGRADE' | 'PATCH' | 'ROLLBACK' | 'ROLLBACKPATCH' | 'SEGROUP_RESUME';
export type Scope = 'system' | 'controller' | 'segroups';
export type ActionOnError = (typeof ACTION_ON_ERROR)[number];

export const FAULT_TYPES = ['se', 'se_disconnected', 'segroup', 'controller_task', 'precheck'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** A failure to inject into an operation. */
export interface Fault {
  type: FaultType;
  /** SE or SE group (name or uuid), controller task (enum name) or pre-check code; none: the first. */
  target?: string;
  error: string;
  /** Pre-checks only: a warning (skippable with skip_warnings) or an error. */
  level: 'error' | 'warning';
  /** Fails again after a resume (default: only the first attempt fails). */
  persistent: boolean;
}

export interface OperationSpec {
  ops: OpKind;
  scope: Scope;
  /** SE group uuids (scope `segroups`; for a resume, empty means every suspended group). */
  segroups: string[];
  image?: string;
  controllerPatch?: string;
  sePatch?: string;
  prechecksOnly: boolean;
  dryrun: boolean;
  skipWarnings: boolean;
  actionOnError: ActionOnError;
  disruptive: boolean;
  skipSuspended: boolean;
  faults: Fault[];
}

type Body = Record<string, unknown>;

const COMMON = [
  'system',
  'skip_warnings',
  'prechecks_only',
  'dryrun',
  'se_group_options',
  'simulator_faults',
];
const GROUP_KEYS = ['se_group_uuids', 'se_group_refs', 'disruptive', 'suspend_on_failure', 'force'];
const UPGRADE_KEYS = new Set([
  ...COMMON,
  ...GROUP_KEYS,
  'image_uuid',
  'image_ref',
  'controller_patch_uuid',
  'controller_patch_ref',
  'se_patch_uuid',
  'se_patch_ref',
]);
const ROLLBACK_KEYS = new Set([...COMMON, ...GROUP_KEYS, 'rollback_type']);
const RESUME_KEYS = new Set([
  ...COMMON,
  ...GROUP_KEYS,
  'se_group_resume_options',
  'skip_suspended',
  'ignore_failure',
]);

export function parseUpgrade(input: unknown): OperationSpec {
  const body = objectBody(input, UPGRADE_KEYS);
  const image = uuidOf(body, 'image_uuid', 'image_ref');
  const controllerPatch = uuidOf(body, 'controller_patch_uuid', 'controller_patch_ref');
  const sePatch = uuidOf(body, 'se_patch_uuid', 'se_patch_ref');
  if (image === undefined && controllerPatch === undefined && sePatch === undefined) {
    throw new ApiError(
      400,
      "Field 'image_uuid' (or a patch: 'controller_patch_uuid', 'se_patch_uuid') is required.",
    );
  }
  const spec = common(body, image !== undefined ? 'UPGRADE' : 'PATCH');
  return { ...spec, image, controllerPatch, sePatch };
}

export function parseRollback(input: unknown): OperationSpec {
  const body = objectBody(input, ROLLBACK_KEYS);
  const type = body.rollback_type ?? 1;
  if (type !== 1 && type !== 2 && type !== '1' && type !== '2') {
    throw invalid('rollback_type', '1 (rollback) or 2 (rollback of the patch)', type);
  }
  return common(body, String(type) === '2' ? 'ROLLBACKPATCH' : 'ROLLBACK');
}

export function parseResume(input: unknown): OperationSpec {
  const body = objectBody(input ?? {}, RESUME_KEYS);
  const spec = common(body, 'SEGROUP_RESUME');
  const options = optionsOf(body, 'se_group_resume_options') ?? optionsOf(body, 'se_group_options') ?? {};
  const skip =
    bool(options, 'skip_suspended', 'se_group_resume_options.') ?? bool(body, 'skip_suspended', '');
  const ignore = bool(body, 'ignore_failure', '');
  return {
    ...spec,
    scope: 'segroups',
    skipSuspended: skip ?? false,
    actionOnError: ignore ? 'CONTINUE_UPGRADE_OPS_ON_ERROR' : spec.actionOnError,
  };
}

/** A list of faults (`simulator_faults`, or the body of POST /api/simulator/faults). */
export function parseFaults(input: unknown, path = 'simulator_faults'): Fault[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw invalid(path, 'a list of faults', input);
  return input.map((raw: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(at, 'an object', raw);
    const f = raw as Body;
    for (const k of Object.keys(f)) {
      if (!['type', 'target', 'error', 'level', 'persistent'].includes(k))
        throw errors.unknownField(`${at}.${k}`);
    }
    if (!(FAULT_TYPES as readonly unknown[]).includes(f.type))
      throw invalid(`${at}.type`, FAULT_TYPES.join(', '), f.type);
    const type = f.type as FaultType;
    const target = optionalText(f, 'target', at);
    if (
      type === 'controller_task' &&
      target !== undefined &&
      !(CONTROLLER_TASKS as readonly string[]).includes(target)
    ) {
      throw invalid(`${at}.target`, 'a controller task (e.g. INSTALL_IMAGE)', target);
    }
    const level = f.level ?? 'error';
    if (level !== 'error' && level !== 'warning') throw invalid(`${at}.level`, 'error or warning', level);
    return {
      type,
      ...(target !== undefined ? { target } : {}),
      error: optionalText(f, 'error', at) ?? defaultError(type),
      level,
      persistent: bool(f, 'persistent', `${at}.`) ?? false,
    };
  });
}

function defaultError(type: FaultType): string {
  switch (type) {
    case 'se':
      return 'SE image install failed.';
    case 'se_disconnected':
      return 'SE is not connected to the controller.';
    case 'segroup':
      return 'SE group upgrade failed.';
    case 'controller_task':
      return 'Controller task failed.';
    case 'precheck':
      return 'Pre-check failed.';
  }
}

function common(body: Body, ops: OpKind): OperationSpec {
  const segroups = uuidList(body);
  const system = bool(body, 'system', '') ?? false;
  const options = optionsOf(body, 'se_group_options') ?? {};
  let actionOnError = (options.action_on_error ?? 'SUSPEND_UPGRADE_OPS_ON_ERROR') as ActionOnError;
  if (!(ACTION_ON_ERROR as readonly unknown[]).includes(actionOnError)) {
    throw invalid('se_group_options.action_on_error', ACTION_ON_ERROR.join(', '), actionOnError);
  }
  if (options.action_on_error === undefined && bool(body, 'suspend_on_failure', '') === false) {
    actionOnError = 'CONTINUE_UPGRADE_OPS_ON_ERROR';
  }
  const disruptive =
    bool(options, 'disruptive', 'se_group_options.') ?? bool(body, 'disruptive', '') ?? false;
  bool(body, 'force', '');
  return {
    ops,
    scope: system ? 'system' : segroups.length > 0 ? 'segroups' : 'controller',
    segroups: system ? [] : segroups,
    prechecksOnly: bool(body, 'prechecks_only', '') ?? false,
    dryrun: bool(body, 'dryrun', '') ?? false,
    skipWarnings: bool(body, 'skip_warnings', '') ?? false,
    actionOnError,
    disruptive,
    skipSuspended: false,
    faults: parseFaults(body.simulator_faults),
  };
}

function objectBody(input: unknown, allowed: ReadonlySet<string>): Body {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw errors.bodyNotObject(Array.isArray(input) ? 'a list' : typeof input);
  }
  for (const k of Object.keys(input)) if (!allowed.has(k)) throw errors.unknownField(k);
  return input as Body;
}

function optionsOf(body: Body, key: string): Body | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(key, 'an object', v);
  const allowed = ['action_on_error', 'disruptive', 'skip_suspended'];
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw errors.unknownField(`${key}.${k}`);
  return v as Body;
}

function uuidOf(body: Body, uuidKey: string, refKey: string): string | undefined {
  const key = body[uuidKey] !== undefined ? uuidKey : refKey;
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(key, 'a uuid or a reference', v);
  return refUuid(v);
}

function uuidList(body: Body): string[] {
  const key = body.se_group_uuids !== undefined ? 'se_group_uuids' : 'se_group_refs';
  const v = body[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
    throw invalid(key, 'a list of SE group uuids or references', v);
  }
  return (v as string[]).map(refUuid);
}

function bool(body: Body, key: string, prefix: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw invalid(`${prefix}${key}`, 'a boolean', v);
}

function optionalText(body: Body, key: string, at: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > 512) throw invalid(`${at}.${key}`, 'a text', v);
  return v;
}

function invalid(path: string, expected: string, got: unknown): ApiError {
  const shown = JSON.stringify(got) ?? String(got);
  return new ApiError(
    400,
    `Invalid value for field '${path}': expected ${expected}, got ${shown.slice(0, 80)}.`,
  );
}
