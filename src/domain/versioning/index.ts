// API versions (`X-Avi-Version`) and the version rules over documents of the schema model.
export {
  DEFAULT_API_VERSION,
  admittingRelease,
  compareVersions,
  fieldExistsIn,
  formatVersion,
  formatVersionTag,
  parseApiVersion,
  parseVersion,
  sinceVersions,
  type ApiVersion,
} from './version.js';
export {
  fieldTooNew,
  filterForVersion,
  holdsHiddenField,
  mergeHiddenFields,
  rejectNewerFields,
  seesAllFields,
} from './fields.js';
