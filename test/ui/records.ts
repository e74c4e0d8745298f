// Realistic records for the dashboard's tests and its screenshot: a controller cluster mid-upgrade
// with its event timeline, two SE groups (one upgrading, one done, with history), three SEs.
const CLOUD = '/api/cloud/cloud-7d3c0a52-51f4-4f5e-9a1b-2c8e4e0b9d11';
const TO = '31.1.1-9122-20250410.063312';
const FROM = '30.2.3-9245-20241115.184407';
const ip = (addr: string) => ({ addr, type: 'V4' });
/** `minutes` ago, as the controller writes times (UTC): running records show sensible durations. */
const ago = (minutes: number): string =>
  new Date(Date.now() - minutes * 60_000).toISOString().replace('T', ' ').slice(0, 19);
const done = (addr: string, message: string, start: string, duration: number) => ({
  status: true,
  ip: ip(addr),
  message,
  start_time: start,
  end_time: start,
  duration,
});

export const CLUSTER = {
  name: 'cluster-prod-east',
  node_type: 'NODE_CONTROLLER_CLUSTER',
  upgrade_ops: 'UPGRADE',
  version: TO,
  previous_version: FROM,
  patch_version: '',
  state: { state: 'UPGRADE_FSM_IN_PROGRESS', last_changed_time: { secs: 1747215123, usecs: 0 } },
  progress: 62,
  tasks_completed: 13,
  total_tasks: 21,
  enqueue_time: ago(48),
  start_time: ago(46),
  upgrade_events: [
    {
      task_name: 'PreChecks',
      sub_events: [done('10.10.0.11', 'All 27 pre-checks passed', ago(46), 48)],
    },
    {
      task_name: 'CopyAndVerifyImage',
      sub_events: [
        done('10.10.0.11', 'Image verified', ago(45), 95),
        done('10.10.0.12', 'Image verified', ago(45), 97),
        done('10.10.0.13', 'Image verified', ago(45), 101),
      ],
    },
    {
      task_name: 'InstallImage',
      sub_events: [
        done('10.10.0.11', 'Installed', ago(43), 211),
        { status: false, ip: ip('10.10.0.12'), message: 'Installing (step 4 of 6)', start_time: ago(39) },
      ],
    },
  ],
};

export const SE_GROUP_UPGRADING = {
  name: 'Default-Group',
  node_type: 'NODE_SE_GROUP',
  obj_cloud_ref: CLOUD,
  upgrade_ops: 'UPGRADE',
  version: TO,
  previous_version: FROM,
  state: { state: 'UPGRADE_FSM_IN_PROGRESS' },
  progress: 40,
  start_time: ago(26),
  seg_status: {
    se_group_name: 'Default-Group',
    state: 'SE_UPGRADE_IN_PROGRESS',
    ha_mode: 'HA_MODE_SHARED',
    traffic_status: 'TRAFFIC_NOT_DISRUPTED',
    num_se: 3,
    num_vs: 12,
    progress: 40,
    start_time: ago(26),
    se_upgrade_completed: ['/api/serviceengine/se-0a1b2c3d-1111-4000-8000-000000000001'],
    se_upgrade_in_progress: ['/api/serviceengine/se-0a1b2c3d-1111-4000-8000-000000000002'],
    se_upgrade_not_started: ['/api/serviceengine/se-0a1b2c3d-1111-4000-8000-000000000003'],
  },
};

export const SE_GROUP_DONE = {
  name: 'dmz-segroup',
  node_type: 'NODE_SE_GROUP',
  obj_cloud_ref: CLOUD,
  version: FROM,
  previous_version: '30.2.1-9046-20240301.010203',
  patch_version: '30.2.3-2p1',
  state: { state: 'UPGRADE_FSM_COMPLETED' },
  progress: 100,
  start_time: '2025-02-03 22:00:04',
  end_time: '2025-02-03 22:41:37',
  duration: 2493,
  history: [
    {
      ops: 'UPGRADE',
      version: FROM,
      state: { state: 'UPGRADE_FSM_COMPLETED' },
      start_time: '2025-02-03 22:00:04',
      end_time: '2025-02-03 22:41:37',
      duration: 2493,
    },
  ],
};

const se = (name: string, state: string, progress: number, start?: string, end?: string) => ({
  name,
  node_type: 'NODE_SE_TYPE',
  obj_cloud_ref: CLOUD,
  version: progress === 100 ? TO : FROM,
  previous_version: progress === 100 ? FROM : undefined,
  state: { state },
  progress,
  ...(start ? { start_time: start } : {}),
  ...(end ? { end_time: end } : {}),
});

export const SES = [
  se('se-east-01', 'UPGRADE_FSM_COMPLETED', 100, ago(26), ago(14)),
  se('se-east-02', 'UPGRADE_FSM_IN_PROGRESS', 35, ago(13)),
  se('se-east-03', 'UPGRADE_FSM_WAITING', 0),
];

export const ALL_RECORDS: Record<string, unknown>[] = [CLUSTER, SE_GROUP_UPGRADING, SE_GROUP_DONE, ...SES];
