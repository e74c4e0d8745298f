// The schema model's public face: the root type and its static TypeScript shape.
import type { Static } from '@sinclair/typebox';
import { UpgradeStatusInfo } from './upgrade-status-info.js';

export * from './dsl.js';
export * as types from './upgrade-status-info.js';
export { UpgradeStatusInfo };
export { UpgradeStatusSummary, SUMMARY_FIELDS, SUMMARY_PATH } from './upgrade-status-summary.js';

/** An UpgradeStatusInfo object as the model describes it (every member optional but the required ones). */
export type UpgradeStatusInfoData = Static<typeof UpgradeStatusInfo>;

/** The object type this server holds, in the controller's spelling and in URL form. */
export const OBJECT_TYPE = 'UpgradeStatusInfo';
export const OBJECT_PATH = 'upgradestatusinfo';
