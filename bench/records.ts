// The record the benchmark stores: an SE group mid-upgrade with a realistic amount of detail.
export function benchRecord(i: number, events = 5): Record<string, unknown> {
  return {
    name: `bench-seg-${i}`,
    node_type: 'NODE_SE_GROUP',
    obj_cloud_ref: '/api/cloud/cloud-7d3c0a52-51f4-4f5e-9a1b-2c8e4e0b9d11',
    version: '30.2.1-9046-20240301.010203',
    previous_version: '22.1.6-9191-20231201.101010',
    image_ref: '/api/image/image-1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    state: {
      state: i % 100 === 0 ? 'UPGRADE_FSM_ERROR' : 'UPGRADE_FSM_IN_PROGRESS',
      last_changed_time: { secs: 1700000000 + i, usecs: 5 },
    },
    progress: i % 101,
    tasks_completed: 4,
    total_tasks: 10,
    start_time: '2024-03-01 01:02:03',
    upgrade_events: Array.from({ length: events }, (_, k) => ({
      task_name: `Task${k}`,
      sub_events: [
        { status: true, message: `step ${k} done`, ip: { addr: `10.0.${k}.1`, type: 'V4' }, duration: k },
      ],
    })),
    seg_status: {
      se_group_name: `bench-seg-${i}`,
      num_se: 2,
      num_vs: 4,
      se_upgrade_completed: ['/api/serviceengine/se-1'],
      se_upgrade_in_progress: ['/api/serviceengine/se-2'],
    },
  };
}
