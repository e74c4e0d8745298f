// A simulated fleet: one controller cluster, its SE groups (across clouds) and their SEs, at one
// version, made from a seed alone (same seed, same fleet, same uuids). `fleetRecords` turns it
// into the UpgradeStatusInfo records a controller holds after its last completed upgrade.
import { Prng } from './prng.js';
import { ref, simTime } from './times.js';

export interface FleetOptions {
  seed: string;
  seGroups: number;
  sesPerGroup: number;
  clouds: number;
  controllerNodes: number;
  /** Also one NODE_SE_TYPE record per SE. */
  seRecords: boolean;
  /** The image name the fleet runs, e.g. 30.2.1-9046-20240301.010203. */
  version: string;
  /** The image name an upgrade goes to. */
  targetVersion: string;
  /** Simulated seconds since the epoch when the fleet is made (the step clock starts there). */
  epoch: number;
}

export const FLEET_DEFAULTS: Omit<FleetOptions, 'seed'> = {
  seGroups: 3,
  sesPerGroup: 2,
  clouds: 2,
  controllerNodes: 3,
  seRecords: false,
  version: '30.2.1-9046-20240301.010203',
  targetVersion: '31.1.1-9122-20240815.041503',
  epoch: 1735689600,
};

export interface SimImage {
  uuid: string;
  name: string;
  type: 'IMAGE_TYPE_SYSTEM' | 'IMAGE_TYPE_PATCH';
  /** The base image name a patch applies to (patches only). */
  base?: string;
  /** `2p1`-style patch version (patches only). */
  patchVersion?: string;
}

export interface SimSe {
  uuid: string;
  name: string;
  ip: string;
}

export interface SimGroup {
  uuid: string;
  name: string;
  cloudUuid: string;
  cloudName: string;
  haMode: 'HA_MODE_SHARED_PAIR' | 'HA_MODE_SHARED' | 'HA_MODE_LEGACY_ACTIVE_STANDBY';
  numVs: number;
  ses: SimSe[];
}

export interface Fleet {
  seed: string;
  epoch: number;
  version: string;
  cluster: { uuid: string; name: string; nodes: string[] };
  groups: SimGroup[];
  seRecords: boolean;
  images: SimImage[];
}

const CLOUD_NAMES = [
  'Default-Cloud',
  'vcenter-prod',
  'nsxt-dc2',
  'aws-eu-west-1',
  'azure-west',
  'gcp-us-east',
];
const GROUP_NAMES = ['Default-Group', 'seg-web', 'seg-apps', 'seg-dmz', 'seg-internal', 'seg-gslb'];
const HA_MODES = ['HA_MODE_SHARED', 'HA_MODE_SHARED_PAIR', 'HA_MODE_LEGACY_ACTIVE_STANDBY'] as const;

export function planFleet(options: FleetOptions): Fleet {
  const rng = new Prng(options.seed);
  const cluster = {
    uuid: `cluster-${rng.uuid4()}`,
    name: 'cluster-0-1',
    nodes: Array.from({ length: options.controllerNodes }, (_, i) => `10.10.0.${11 + i}`),
  };
  const clouds = Array.from({ length: options.clouds }, (_, i) => ({
    uuid: `cloud-${rng.uuid4()}`,
    name: CLOUD_NAMES[i] ?? `cloud-${i + 1}`,
  }));
  const groups: SimGroup[] = [];
  for (let g = 0; g < options.seGroups; g++) {
    const cloud = clouds[g % clouds.length] as { uuid: string; name: string };
    const base = GROUP_NAMES[Math.floor(g / clouds.length)] ?? `seg-${Math.floor(g / clouds.length) + 1}`;
    const ses = Array.from({ length: options.sesPerGroup }, (_, s) => ({
      uuid: `se-${rng.uuid4()}`,
      name: `Avi-se-${rng.uuid4().slice(0, 5)}`,
      ip: `10.${20 + (g % 200)}.${1 + Math.floor(s / 250)}.${10 + (s % 250)}`,
    }));
    groups.push({
      uuid: `serviceenginegroup-${rng.uuid4()}`,
      name: base,
      cloudUuid: cloud.uuid,
      cloudName: cloud.name,
      haMode: rng.pick(HA_MODES),
      numVs: rng.int(options.sesPerGroup, options.sesPerGroup * 4),
      ses,
    });
  }
  const patchOf = (version: string): SimImage => {
    const [num = '', build = '', stamp = ''] = version.split('-');
    return {
      uuid: `image-${rng.uuid4()}`,
      name: `${num}-${build}-2p1-${stamp}`,
      type: 'IMAGE_TYPE_PATCH',
      base: version,
      patchVersion: '2p1',
    };
  };
  const images: SimImage[] = [
    { uuid: `image-${rng.uuid4()}`, name: options.version, type: 'IMAGE_TYPE_SYSTEM' },
    { uuid: `image-${rng.uuid4()}`, name: options.targetVersion, type: 'IMAGE_TYPE_SYSTEM' },
    patchOf(options.version),
    patchOf(options.targetVersion),
  ];
  return {
    seed: options.seed,
    epoch: options.epoch,
    version: options.version,
    cluster,
    groups,
    seRecords: options.seRecords,
    images,
  };
}

/** The image of a fleet by uuid (or by name). */
export function findImage(fleet: Fleet | undefined, key: string): SimImage | undefined {
  return fleet?.images.find((i) => i.uuid === key || i.name === key);
}

/** The fleet's records, cluster record first, as the last completed upgrade left them. */
export function fleetRecords(fleet: Fleet): Record<string, unknown>[] {
  const rng = new Prng(`${fleet.seed}:history`);
  const image = fleet.images[0] as SimImage;
  const end = fleet.epoch - rng.int(86_400, 30 * 86_400);
  const start = end - rng.int(1_500, 3_000);
  const done = (secs: number) => ({ state: 'UPGRADE_FSM_COMPLETED', last_changed_time: { secs, usecs: 0 } });
  const common = {
    version: fleet.version,
    image_ref: ref('image', image.uuid, image.name),
    upgrade_ops: 'UPGRADE',
    enable_rollback: false,
    enable_patch_rollback: false,
    progress: 100,
    start_time: simTime(start),
    end_time: simTime(end),
    duration: end - start,
  };
  let t = start;
  const upgradeEvents = ['COPY_AND_VERIFY_IMAGE', 'INSTALL_IMAGE', 'MIGRATE_CONFIG', 'COMMIT_UPGRADE'].map(
    (task) => {
      const from = t;
      t += rng.int(60, 240);
      return {
        task,
        task_name: task,
        sub_events: fleet.cluster.nodes.map((ip) => ({
          ip: { addr: ip, type: 'V4' },
          start_time: simTime(from),
          end_time: simTime(t),
          duration: t - from,
          status: true,
          message: 'Task completed.',
        })),
      };
    },
  );
  const records: Record<string, unknown>[] = [
    {
      uuid: fleet.cluster.uuid,
      name: fleet.cluster.name,
      node_type: 'NODE_CONTROLLER_CLUSTER',
      ...common,
      state: done(end),
      tasks_completed: upgradeEvents.length,
      total_tasks: upgradeEvents.length,
      upgrade_events: upgradeEvents,
    },
  ];
  for (const group of fleet.groups) {
    const seRefs = group.ses.map((se) => ref('serviceengine', se.uuid, se.name));
    records.push({
      uuid: group.uuid,
      name: group.name,
      node_type: 'NODE_SE_GROUP',
      obj_cloud_ref: ref('cloud', group.cloudUuid, group.cloudName),
      ...common,
      state: done(end),
      tasks_completed: group.ses.length,
      total_tasks: group.ses.length,
      se_upgrade_events: [],
      seg_status: {
        se_group_uuid: group.uuid,
        se_group_name: group.name,
        ha_mode: group.haMode,
        controller_version: fleet.version,
        state: 'SEGROUP_UPGRADE_COMPLETE',
        in_progress: false,
        progress: 100,
        num_se: group.ses.length,
        num_vs: group.numVs,
        num_vs_disrupted: 0,
        traffic_status: 'TRAFFIC_NOT_DISRUPTED',
        se_upgrade_completed: seRefs,
        start_time: simTime(start),
        end_time: simTime(end),
        duration: String(end - start),
      },
    });
  }
  if (fleet.seRecords) {
    for (const group of fleet.groups) {
      for (const se of group.ses) records.push(seRecord(fleet.version, group, se, common, done(end)));
    }
  }
  return records;
}

function seRecord(
  version: string,
  group: SimGroup,
  se: SimSe,
  common: Record<string, unknown>,
  state: Record<string, unknown>,
): Record<string, unknown> {
  return {
    uuid: se.uuid,
    name: se.name,
    node_type: 'NODE_SE_TYPE',
    obj_cloud_ref: ref('cloud', group.cloudUuid, group.cloudName),
    ...common,
    version,
    state,
    tasks_completed: 1,
    total_tasks: 1,
  };
}
