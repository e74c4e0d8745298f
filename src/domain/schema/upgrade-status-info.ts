// The UpgradeStatusInfo schema: every type and field, its kind, width, range, enum, default,
// the releases it was introduced in and the editions that may set it. Everything else
// (validation, static types, version and edition rules, OpenAPI) is derived from this file.
// Covers the newest documented schema (31.3.1).
import { bool, int32, int64, list, obj, object, ref, refList, str, strList, uint32 } from './dsl.js';
import {
  ACTION_ON_ERROR,
  CHECK_CODES,
  CONTROLLER_TASKS,
  HA_MODES,
  IP_ADDR_TYPES,
  NODE_TYPES,
  SE_UPGRADE_STATES,
  TRAFFIC_STATUS,
  UPGRADE_FSM_STATES,
  UPGRADE_OPS,
} from './enums.js';

export const SeUpgradeEvents = object('SeUpgradeEvents', {
  from_se_ref: ref('ServiceEngine', {}),
  num_se: int32({}),
  num_se_group: int32({}),
  num_vs: int32({}),
  reason: strList({}),
  se_group_ha_mode: str({ enum: HA_MODES }),
  se_group_ref: ref('ServiceEngineGroup', {}),
  se_ref: ref('ServiceEngine', {}),
  sub_tasks: strList({ since: ['20.1.4'], edition: 'enterprise' }),
  task: str({ enum: SE_UPGRADE_STATES }),
  to_se_ref: ref('ServiceEngine', {}),
  traffic_status: str({ enum: TRAFFIC_STATUS }),
  vs_ref: ref('VirtualService', {}),
});

export const TimeStamp = object('TimeStamp', {
  secs: int64({ required: true }),
  usecs: int64({ required: true }),
});

export const VsError = object('VsError', {
  event_timestamp: obj(TimeStamp, { since: ['18.2.10', '20.1.1'] }),
  reason: strList({}),
  se_group_ha_mode: str({ enum: HA_MODES }),
  se_group_ref: ref('ServiceEngineGroup', {}),
  se_ref: ref('ServiceEngine', { since: ['18.2.10', '20.1.1'] }),
  tenant_ref: ref('Tenant', {}),
  traffic_status: str({ enum: TRAFFIC_STATUS }),
  vip_id: str({}),
  vs_ref: ref('VirtualService', {}),
});

export const SeGroupStatus = object('SeGroupStatus', {
  controller_version: str({ since: ['18.2.6'] }),
  disrupted_vs_ref: refList('VirtualService', {}),
  duration: str({}),
  end_time: str({}),
  enqueue_time: str({}),
  ha_mode: str({ enum: HA_MODES }),
  in_progress: bool({ since: ['18.2.6'] }),
  notes: strList({}),
  num_se: int32({}),
  num_se_with_no_vs: int32({}),
  num_se_with_vs_not_scaledout: int32({}),
  num_se_with_vs_scaledout: int32({}),
  num_vs: int32({}),
  num_vs_disrupted: int32({}),
  progress: int32({}),
  reason: strList({}),
  request_time: str({}),
  se_already_upgraded_at_start: refList('ServiceEngine', { since: ['18.2.6'] }),
  se_disconnected_at_start: refList('ServiceEngine', { since: ['18.2.6'] }),
  se_group_name: str({}),
  se_group_uuid: str({}),
  se_ip_missing_at_start: refList('ServiceEngine', { since: ['18.2.6'] }),
  se_poweredoff_at_start: refList('ServiceEngine', { since: ['18.2.6'] }),
  se_reboot_in_progress_ref: ref('ServiceEngine', {}),
  se_upgrade_completed: refList('ServiceEngine', { since: ['18.2.6'] }),
  se_upgrade_errors: list(SeUpgradeEvents, { since: ['18.2.6'] }),
  se_upgrade_failed: refList('ServiceEngine', { since: ['18.2.6'] }),
  se_upgrade_in_progress: refList('ServiceEngine', { since: ['18.2.6'] }),
  se_upgrade_not_started: refList('ServiceEngine', { since: ['18.2.6'] }),
  se_upgrade_skip_suspended: refList('ServiceEngine', {}),
  se_upgrade_suspended: refList('ServiceEngine', {}),
  se_with_no_vs: refList('ServiceEngine', {}),
  se_with_vs_not_scaledout: refList('ServiceEngine', {}),
  se_with_vs_scaledout: refList('ServiceEngine', {}),
  start_time: str({}),
  state: str({ enum: SE_UPGRADE_STATES }),
  tenant_ref: ref('Tenant', {}),
  thread: str({}),
  traffic_status: str({ enum: TRAFFIC_STATUS }),
  vs_errors: list(VsError, { since: ['18.2.6'] }),
  vs_migrate_in_progress_ref: refList('VirtualService', {}),
  vs_scalein_in_progress_ref: refList('VirtualService', {}),
  vs_scaleout_in_progress_ref: refList('VirtualService', {}),
  worker: str({}),
});

export const UpgradeOpsState = object('UpgradeOpsState', {
  last_changed_time: obj(TimeStamp, { since: ['18.2.6'] }),
  reason: str({ since: ['18.2.6'] }),
  rebooted: bool({ since: ['20.1.2'] }),
  state: str({ since: ['18.2.6'], enum: UPGRADE_FSM_STATES }),
});

export const IpAddr = object('IpAddr', {
  addr: str({ required: true }),
  type: str({ enum: IP_ADDR_TYPES, required: true }),
});

export const UpgradeEvent = object('UpgradeEvent', {
  duration: uint32({ since: ['18.2.6'] }),
  end_time: str({ since: ['18.2.6'] }),
  ip: obj(IpAddr, { since: ['18.2.6'] }),
  message: str({ since: ['18.2.6'] }),
  start_time: str({ since: ['18.2.6'] }),
  status: bool({ since: ['18.2.6'], default: false }),
  sub_tasks: strList({ since: ['18.2.8', '20.1.1'] }),
});

export const EventMap = object('EventMap', {
  nodes_events: list(UpgradeEvent, { since: ['18.2.6'] }),
  sub_events: list(UpgradeEvent, { since: ['18.2.10', '20.1.1'] }),
  task: str({ since: ['18.2.6'], enum: CONTROLLER_TASKS }),
  task_name: str({ since: ['18.2.10', '20.1.1'] }),
});

export const SeGroupOptions = object('SeGroupOptions', {
  action_on_error: str({ since: ['18.2.6'], enum: ACTION_ON_ERROR, default: 'SUSPEND_UPGRADE_OPS_ON_ERROR' }),
  disruptive: bool({ since: ['18.2.6'], default: false }),
});

export const SeGroupResumeOptions = object('SeGroupResumeOptions', {
  action_on_error: str({ since: ['18.2.6'], enum: ACTION_ON_ERROR, default: 'SUSPEND_UPGRADE_OPS_ON_ERROR' }),
  disruptive: bool({ since: ['18.2.8', '20.1.1'], default: false }),
  skip_suspended: bool({ since: ['18.2.6'], default: false }),
});

export const ControllerParams = object('ControllerParams', {
  task_base_timeout: uint32({ since: ['31.1.1'], edition: 'enterprise', default: 300, min: 300, max: 3600 }),
});

export const ServiceEngineParams = object('ServiceEngineParams', {
  concurrent_segroup_upgrades: uint32({
    since: ['31.1.1'],
    edition: 'enterprise',
    default: 8,
    min: 1,
    max: 24,
  }),
  image_data_transfer_size: uint32({
    since: ['31.1.1'],
    edition: 'enterprise',
    default: 512,
    min: 64,
    max: 2048,
  }),
  large_se_connect_timeout: uint32({
    since: ['31.1.1'],
    edition: 'enterprise',
    default: 1200,
    min: 1200,
    max: 2400,
  }),
  se_connect_timeout: uint32({ since: ['31.1.1'], edition: 'enterprise', default: 600, min: 600, max: 1200 }),
  simultaneous_image_downloads: uint32({
    since: ['31.1.1'],
    edition: 'enterprise',
    default: 5,
    min: 1,
    max: 20,
  }),
  task_base_timeout: uint32({ since: ['31.1.1'], edition: 'enterprise', default: 300, min: 300, max: 3600 }),
});

export const UpgradeOpsParam = object('UpgradeOpsParam', {
  image_ref: ref('Image', { since: ['18.2.6'] }),
  patch_ref: ref('Image', { since: ['18.2.6'] }),
  se_group_options: obj(SeGroupOptions, { since: ['18.2.6'] }),
  se_group_resume_options: obj(SeGroupResumeOptions, { since: ['18.2.6'] }),
  controller: obj(ControllerParams, { since: ['31.1.1'], edition: 'enterprise' }),
  service_engine: obj(ServiceEngineParams, { since: ['31.1.1'], edition: 'enterprise' }),
});

export const OpsHistory = object('OpsHistory', {
  duration: int32({ since: ['20.1.4'], edition: 'enterprise' }),
  end_time: str({ since: ['20.1.4'], edition: 'enterprise' }),
  ops: str({ since: ['20.1.4'], edition: 'enterprise', enum: UPGRADE_OPS }),
  patch_version: str({ since: ['20.1.4'], edition: 'enterprise' }),
  se_upgrade_events: list(SeUpgradeEvents, { since: ['20.1.4'], edition: 'enterprise' }),
  seg_status: obj(SeGroupStatus, { since: ['20.1.4'], edition: 'enterprise' }),
  start_time: str({ since: ['20.1.4'], edition: 'enterprise' }),
  state: obj(UpgradeOpsState, { since: ['20.1.4'], edition: 'enterprise' }),
  statediff_ref: ref('StatediffOperation', { since: ['21.1.3'], edition: 'enterprise' }),
  upgrade_events: list(EventMap, { since: ['20.1.4'], edition: 'enterprise' }),
  version: str({ since: ['20.1.4'], edition: 'enterprise' }),
  params: obj(UpgradeOpsParam, { since: ['31.2.1'], edition: 'enterprise' }),
});

export const PatchData = object('PatchData', {
  patch_image_path: str({ since: ['18.2.10', '20.1.1'] }),
  patch_image_ref: ref('Image', { since: ['18.2.8', '20.1.1'] }),
  patch_version: str({ since: ['18.2.8', '20.1.1'] }),
});

export const MustChecksInfo = object('MustChecksInfo', {
  check_code: str({ since: ['22.1.3'], edition: 'enterprise', enum: CHECK_CODES }),
  description: str({ since: ['22.1.3'], edition: 'enterprise' }),
  details: strList({ since: ['22.1.3'], edition: 'enterprise' }),
  duration: uint32({ since: ['22.1.3'], edition: 'enterprise' }),
  end_time: str({ since: ['22.1.3'], edition: 'enterprise' }),
  start_time: str({ since: ['22.1.3'], edition: 'enterprise' }),
  state: str({ since: ['22.1.3'], edition: 'enterprise', enum: UPGRADE_FSM_STATES }),
  error_details: strList({ since: ['22.1.6'], edition: 'enterprise' }),
});

export const UpgradeReadinessCheckObj = object('UpgradeReadinessCheckObj', {
  checks: list(MustChecksInfo, { since: ['22.1.3'], edition: 'enterprise' }),
  checks_completed: int32({ since: ['22.1.3'], edition: 'enterprise' }),
  duration: uint32({ since: ['22.1.3'], edition: 'enterprise' }),
  end_time: str({ since: ['22.1.3'], edition: 'enterprise' }),
  image_ref: ref('Image', { since: ['22.1.3'], edition: 'enterprise' }),
  patch_image_ref: ref('Image', { since: ['22.1.3'], edition: 'enterprise' }),
  start_time: str({ since: ['22.1.3'], edition: 'enterprise' }),
  state: obj(UpgradeOpsState, { since: ['22.1.3'], edition: 'enterprise' }),
  total_checks: int32({ since: ['22.1.3'], edition: 'enterprise' }),
  upgrade_ops: str({ since: ['22.1.3'], edition: 'enterprise', enum: UPGRADE_OPS }),
  progress: uint32({ since: ['31.1.1'], edition: 'enterprise', min: 0, max: 100 }),
});

export const UpgradeParams = object('UpgradeParams', {
  controller_patch_ref: ref('Image', { since: ['18.2.6'] }),
  dryrun: bool({ since: ['31.1.1'], edition: 'enterprise' }),
  image_ref: ref('Image', { since: ['18.2.6'] }),
  prechecks_only: bool({ since: ['22.1.6', '30.2.1'], edition: 'enterprise' }),
  se_group_options: obj(SeGroupOptions, { since: ['18.2.6'] }),
  se_group_refs: refList('ServiceEngineGroup', { since: ['18.2.6'] }),
  se_patch_ref: ref('Image', { since: ['18.2.6'] }),
  skip_warnings: bool({ since: ['18.2.6'] }),
  system: bool({ since: ['18.2.6'] }),
});

export const DryrunInfo = object('DryrunInfo', {
  duration: int32({ since: ['31.1.1'], edition: 'enterprise' }),
  end_time: str({ since: ['31.1.1'], edition: 'enterprise' }),
  operation: str({ since: ['31.1.1'], edition: 'enterprise', enum: UPGRADE_OPS }),
  params: obj(UpgradeParams, { since: ['31.1.1'], edition: 'enterprise' }),
  progress: uint32({ since: ['31.1.1'], edition: 'enterprise', min: 0, max: 100 }),
  start_time: str({ since: ['31.1.1'], edition: 'enterprise' }),
  state: obj(UpgradeOpsState, { since: ['31.1.1'], edition: 'enterprise' }),
  tasks_completed: int32({ since: ['31.1.1'], edition: 'enterprise' }),
  total_tasks: int32({ since: ['31.1.1'], edition: 'enterprise' }),
  upgrade_events: list(EventMap, { since: ['31.1.1'], edition: 'enterprise' }),
  worker: str({ since: ['31.1.1'], edition: 'enterprise' }),
});

export const UpgradeStatusInfo = object('UpgradeStatusInfo', {
  _last_modified: str({ readOnly: true }),
  after_reboot_rollback_fnc: str({ since: ['18.2.10', '20.1.1'] }),
  after_reboot_task_name: str({ since: ['18.2.10', '20.1.1'] }),
  clean: bool({ since: ['18.2.10', '20.1.1'] }),
  duration: int32({ since: ['18.2.6'] }),
  enable_patch_rollback: bool({ since: ['18.2.6'], default: false }),
  enable_rollback: bool({ since: ['18.2.6'], default: false }),
  end_time: str({ since: ['18.2.6'] }),
  enqueue_time: str({ since: ['18.2.6'] }),
  fips_mode: bool({ since: ['20.1.5'], edition: 'enterprise' }),
  history: list(OpsHistory, { since: ['20.1.4'], edition: 'enterprise' }),
  image_path: str({ since: ['18.2.10', '20.1.1'] }),
  image_ref: ref('Image', { since: ['18.2.6'] }),
  name: str({ since: ['18.2.6'] }),
  node_type: str({ since: ['18.2.6'], enum: NODE_TYPES }),
  obj_cloud_ref: ref('Cloud', { since: ['18.2.6'] }),
  params: obj(UpgradeOpsParam, { since: ['18.2.6'] }),
  patch_image_path: str({ since: ['18.2.10', '20.1.1'] }),
  patch_image_ref: ref('Image', { since: ['18.2.6'] }),
  patch_list: list(PatchData, { since: ['18.2.8', '20.1.1'] }),
  patch_reboot: bool({ since: ['18.2.10', '20.1.1'] }),
  patch_version: str({ since: ['18.2.6'] }),
  prev_image_path: str({ since: ['18.2.10', '20.1.1'] }),
  prev_patch_image_path: str({ since: ['18.2.10', '20.1.1'] }),
  prev_remote_image_ref: str({ since: ['30.1.1'], edition: 'enterprise' }),
  previous_image_ref: ref('Image', { since: ['18.2.6'] }),
  previous_patch_image_ref: ref('Image', { since: ['18.2.6'] }),
  previous_patch_list: list(PatchData, { since: ['18.2.8', '20.1.1'] }),
  previous_patch_version: str({ since: ['18.2.6'] }),
  previous_version: str({ since: ['18.2.6'] }),
  progress: uint32({ since: ['18.2.8', '20.1.1'], default: 0, min: 0, max: 100 }),
  reason: str({ since: ['22.1.3'], edition: 'enterprise' }),
  remote_image_ref: str({ since: ['30.1.1'], edition: 'enterprise' }),
  se_patch_image_path: str({ since: ['18.2.10', '20.1.1'] }),
  se_patch_image_ref: ref('Image', { since: ['18.2.10', '20.1.1'] }),
  se_upgrade_events: list(SeUpgradeEvents, { since: ['18.2.6'] }),
  seg_params: obj(UpgradeOpsParam, { since: ['18.2.10', '20.1.1'] }),
  seg_status: obj(SeGroupStatus, { since: ['18.2.6'] }),
  start_time: str({ since: ['18.2.6'] }),
  state: obj(UpgradeOpsState, { since: ['18.2.6'] }),
  statediff_ref: ref('StatediffOperation', { since: ['21.1.3'], edition: 'enterprise' }),
  system: bool({ since: ['18.2.6'] }),
  system_report_refs: refList('SystemReport', { since: ['22.1.6', '30.2.1'], edition: 'enterprise' }),
  tasks_completed: int32({ since: ['18.2.6'] }),
  tenant_ref: ref('Tenant', { since: ['18.2.6'] }),
  total_tasks: int32({ since: ['18.2.6'] }),
  upgrade_events: list(EventMap, { since: ['18.2.6'] }),
  upgrade_ops: str({ since: ['18.2.6'], enum: UPGRADE_OPS }),
  upgrade_readiness: obj(UpgradeReadinessCheckObj, { since: ['22.1.3'], edition: 'enterprise' }),
  url: str({ readOnly: true }),
  uuid: str({ since: ['18.2.6'] }),
  version: str({ since: ['18.2.6'] }),
  dryrun_info: obj(DryrunInfo, { since: ['31.1.1'], edition: 'enterprise' }),
});
