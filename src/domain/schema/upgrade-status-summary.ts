// UpgradeStatusSummary (`GET /api/upgradestatussummary`, what `show upgrade status` prints): the
// read-only summary of each UpgradeStatusInfo record. It is a projection of the UpgradeStatusInfo
// model, not a copy: every member is that model's own node (types, releases, editions included).
import { project } from './dsl.js';
import { UpgradeStatusInfo } from './upgrade-status-info.js';

export const UpgradeStatusSummary = project('UpgradeStatusSummary', UpgradeStatusInfo, [
  '_last_modified',
  'enable_patch_rollback',
  'enable_rollback',
  'end_time',
  'image_ref',
  'name',
  'node_type',
  'obj_cloud_ref',
  'patch_image_ref',
  'start_time',
  'state',
  'tasks_completed',
  'tenant_ref',
  'total_tasks',
  'upgrade_ops',
  'url',
  'uuid',
  'version',
]);

/** The summary's members, in the model's order. */
export const SUMMARY_FIELDS: readonly string[] = Object.keys(UpgradeStatusSummary.properties);

/** The summary's collection in URL form: `/api/upgradestatussummary/<uuid>`. */
export const SUMMARY_PATH = 'upgradestatussummary';
