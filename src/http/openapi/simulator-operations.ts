// The operations of the upgrade simulator (SIMULATOR=on): its admin API and the controller's
// operation endpoints it serves.
import { jsonContent, type JsonObject } from './json.js';
import { errorResponses } from './parameters.js';

const free: JsonObject = { type: 'object', additionalProperties: true };

const op =
  (
    operationId: string,
    tag: string,
    summary: string,
    description: string,
    withBody: boolean,
  ): (() => JsonObject) =>
  () => ({
    operationId,
    tags: [tag],
    summary,
    description,
    ...(withBody ? { requestBody: { required: false, content: jsonContent(free) } } : {}),
    responses: {
      200: { description: 'Done.', content: jsonContent(free) },
      ...errorResponses('BadRequest', 'Unauthorized', 'Forbidden', 'Conflict', 'Unavailable'),
    },
  });

const OPS_TAG = 'Upgrade operations (simulated)';
const SIM_TAG = 'Simulator';
const operation = (path: string, id: string, what: string): Record<string, () => JsonObject> => ({
  [`POST ${path}`]: op(
    id,
    OPS_TAG,
    what,
    'Starts at once and runs in the background; watch /api/upgradestatusinfo. Accepts the `*_uuid` keys and the typed `*_ref` keys.',
    true,
  ),
  [`POST ${path}/preview`]: op(
    `${id}_preview`,
    OPS_TAG,
    `${what}: the checks only`,
    'The checks the operation would run; nothing starts.',
    true,
  ),
});

export const SIMULATOR_OPERATIONS: Record<string, () => JsonObject> = {
  ...operation('/api/upgrade', 'upgrade', 'Upgrade or patch the system, the controller or SE groups'),
  ...operation('/api/rollback', 'rollback', 'Roll back (rollback_type 1) or roll back the patch (2)'),
  ...operation('/api/segroup/resume', 'segroup_resume', 'Resume suspended SE groups'),
  ...operation(
    '/api/upgrade/segroup/resume',
    'upgrade_segroup_resume',
    'Resume suspended SE groups (older path)',
  ),
  'POST /api/simulator/fleet': op(
    'simulator_create_fleet',
    SIM_TAG,
    'Create a fleet of records',
    'One cluster record, one per SE group (and per SE); same seed, same fleet.',
    true,
  ),
  'GET /api/simulator/fleet': op(
    'simulator_get_fleet',
    SIM_TAG,
    "The tenant's fleet",
    'Its uuids, SEs and images.',
    false,
  ),
  'POST /api/simulator/faults': op(
    'simulator_arm_faults',
    SIM_TAG,
    'Faults for the next operation',
    'SE, SE group, controller task or pre-check failures.',
    true,
  ),
  'GET /api/simulator/status': op(
    'simulator_status',
    SIM_TAG,
    'The clock and the running operation',
    'Clock mode, speed, simulated time, run.',
    false,
  ),
  'POST /api/simulator/clock': op(
    'simulator_clock',
    SIM_TAG,
    'Move or switch the clock',
    '`{"steps": n}` applies n events (step clock); `{"mode": "step"|"realtime", "speed": n}` switches.',
    true,
  ),
};
