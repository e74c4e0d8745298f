// The simulator: fleets per tenant, one operation run per tenant, and the clock that drives the
// runs (real time × SIMULATOR_SPEED, or the step clock). Every change a run makes is an ordinary
// write through the UpgradeStatusService, so lists, filters, the change stream and the CLI see it.
import { ApiError } from '../../errors/catalogue.js';
import { fleetRecords, planFleet, type Fleet, type FleetOptions } from '../../domain/simulator/fleet.js';
import type { Fault, OperationSpec } from '../../domain/simulator/operation.js';
import type { Doc } from '../../domain/simulator/plan.js';
import { prepareRun } from '../../domain/simulator/prepare.js';
import { preChecks } from '../../domain/simulator/plan.js';
import { Run, type ApiState } from '../../domain/simulator/run.js';
import { simTime } from '../../domain/simulator/times.js';
import { describeRun, startedStatus, tenantOf, type Active } from './active.js';
import type { RequestContext, UpgradeStatusService } from '../upgrade-status-service.js';
import type { ListParams } from '../../domain/query/list-params.js';

export type ClockMode = 'realtime' | 'step';

export interface SimulatorSettings {
  /** Simulated seconds per real second in real-time mode. */
  speed: number;
  clock: ClockMode;
  /** SE groups upgraded at once unless the cluster record's params say otherwise. */
  concurrency: number;
  enterprise: boolean;
  /** Simulated seconds of a controller reboot (0: no reboot window). */
  rebootSeconds: number;
  /** Hears the API's state: down while controllers reboot, starting while they come back. */
  onApiState?: (state: ApiState) => void;
  /** Real time in ms (tests may move it). */
  now?: () => number;
  onError?: (err: unknown) => void;
}

const PAGE = 1000;

export class SimulatorService {
  private readonly fleets = new Map<string, Fleet>();
  private readonly runs = new Map<string, Active>();
  private readonly pending = new Map<string, Fault[]>();
  /** Step-clock time per tenant (simulated seconds). */
  private readonly simNow = new Map<string, number>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly records: UpgradeStatusService,
    private settings: SimulatorSettings,
  ) {}

  get clock(): ClockMode {
    return this.settings.clock;
  }

  /** Creates the records of a fleet in the request's tenant (replacing the same seed's records). */
  async createFleet(
    ctx: RequestContext,
    options: FleetOptions,
    replace: boolean,
  ): Promise<{ fleet: Fleet; records: Doc[] }> {
    const tenant = tenantOf(ctx);
    this.refuseWhileRunning(tenant);
    const fleet = planFleet(options);
    const bodies = fleetRecords(fleet);
    const internal = { ...ctx, version: undefined };
    if (replace) {
      for (const body of bodies) {
        try {
          await this.records.remove(internal, String(body.uuid));
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404)) throw e;
        }
      }
    }
    const created: Doc[] = [];
    for (const body of bodies) created.push((await this.records.create(internal, body)).body);
    this.fleets.set(tenant, fleet);
    this.simNow.set(tenant, fleet.epoch);
    return { fleet, records: created };
  }

  fleet(ctx: RequestContext): Fleet | undefined {
    return this.fleets.get(tenantOf(ctx));
  }

  /** Faults for the next operation started in this tenant. */
  armFaults(ctx: RequestContext, faults: Fault[]): Fault[] {
    const tenant = tenantOf(ctx);
    const all = [...(this.pending.get(tenant) ?? []), ...faults];
    this.pending.set(tenant, all);
    return all;
  }

  /** Starts an operation: checks it, writes its first state, and lets it run. */
  async start(ctx: RequestContext, spec: OperationSpec): Promise<Doc> {
    const tenant = tenantOf(ctx);
    this.refuseWhileRunning(tenant);
    const faults = [...(this.pending.get(tenant) ?? []), ...spec.faults];
    const full: OperationSpec = { ...spec, faults };
    const input = prepareRun(full, await this.tenantRecords(ctx), this.fleets.get(tenant), {
      concurrency: this.settings.concurrency,
      startSecs: this.startSecs(tenant),
      enterprise: this.settings.enterprise,
      rebootSeconds: this.settings.rebootSeconds,
    });
    this.pending.delete(tenant);
    const active: Active = {
      id: this.nextId++,
      tenant,
      ctx: { ...ctx, version: undefined },
      run: new Run(input),
      writes: Promise.resolve(),
      startedAt: simTime(input.startSecs),
      realStartMs: this.realNow(),
      startSecs: input.startSecs,
    };
    this.runs.set(tenant, active);
    await this.flush(active);
    this.schedule(active);
    return { ...startedStatus(full), run: describeRun(active) };
  }

  /** Resumes suspended SE groups of the tenant's run. */
  async resume(ctx: RequestContext, spec: OperationSpec): Promise<Doc> {
    const active = this.runs.get(tenantOf(ctx));
    const suspended = active?.run.suspendedGroups() ?? [];
    if (!active || suspended.length === 0) {
      throw new ApiError(
        400,
        'Pre-check SYSERR_UPGRADE_OPS_CHECK_SE_GROUP_SUSPENDED failed: no SE group is suspended.',
      );
    }
    const records = await this.tenantRecords(ctx);
    const uuids = spec.segroups.map((key) => {
      const found = records.find(
        (r) => r.node_type === 'NODE_SE_GROUP' && (r.uuid === key || r.name === key),
      );
      const uuid = String(found?.uuid ?? key);
      if (!suspended.includes(uuid))
        throw new ApiError(
          400,
          `Invalid value for field 'se_group_uuids': SE group '${key.slice(0, 80)}' is not suspended.`,
        );
      return uuid;
    });
    if (this.settings.clock === 'realtime') {
      // Simulated time went on while the groups were suspended.
      const elapsed = ((this.realNow() - active.realStartMs) * this.settings.speed) / 1000;
      active.run.now = Math.max(active.run.now, Math.floor(active.startSecs + elapsed));
    }
    active.run.resume(uuids, spec.actionOnError, spec.disruptive, spec.skipSuspended);
    await this.flush(active);
    this.schedule(active);
    return {
      status_code: 'SYSERR_RESUME_SEGROUP_STARTED',
      status: 'Resume of the SE group(s) started.',
      run: describeRun(active),
    };
  }

  /** The checks an operation would run, without running it (`/preview`). */
  async preview(ctx: RequestContext, spec: OperationSpec): Promise<Doc> {
    const tenant = tenantOf(ctx);
    if (spec.ops !== 'SEGROUP_RESUME') {
      prepareRun(spec, await this.tenantRecords(ctx), this.fleets.get(tenant), {
        concurrency: this.settings.concurrency,
        startSecs: this.startSecs(tenant),
        enterprise: this.settings.enterprise,
        rebootSeconds: this.settings.rebootSeconds,
      });
    }
    return {
      status_code: 'SYSERR_UPGRADE_OPS_PREVIEW_RESPONSE',
      status: 'Checks preview for the operation.',
      checks: preChecks(spec).map((c) => ({ check_code: c.code, description: c.description })),
    };
  }

  /** Step clock: applies up to `steps` events of the runs (earliest first); answers how many ran. */
  async advance(steps: number): Promise<number> {
    if (this.settings.clock !== 'step')
      throw new ApiError(400, 'The simulator clock runs in real time: POST {"mode": "step"} first.');
    let done = 0;
    while (done < steps) {
      const next = [...this.runs.values()]
        .map((a) => ({ a, at: a.run.nextAt() }))
        .filter((x): x is { a: Active; at: number } => x.at !== undefined)
        .sort((x, y) => x.at - y.at || x.a.id - y.a.id)[0];
      if (!next) break;
      next.a.run.step();
      this.simNow.set(next.a.tenant, next.a.run.now);
      await this.flush(next.a);
      done++;
    }
    return done;
  }

  setClock(mode: ClockMode, speed?: number): void {
    this.settings = { ...this.settings, clock: mode, ...(speed !== undefined ? { speed } : {}) };
    for (const a of this.runs.values()) {
      if (a.timer) clearTimeout(a.timer);
      a.timer = undefined;
      this.schedule(a);
    }
  }

  status(ctx: RequestContext): Doc {
    const tenant = tenantOf(ctx);
    const active = this.runs.get(tenant);
    return {
      clock: this.settings.clock,
      speed: this.settings.speed,
      sim_time: simTime(this.startSecs(tenant)),
      run: active ? describeRun(active) : null,
      pending_faults: this.pending.get(tenant) ?? [],
    };
  }

  /** Whether configuration writes are refused now: an operation's controller phase is running. */
  blocksWrites(): boolean {
    for (const a of this.runs.values())
      if (a.run.status === 'running' && a.run.locksConfiguration()) return true;
    return false;
  }

  /** Waits for the writes in flight, stops every timer. */
  async close(): Promise<void> {
    this.closed = true;
    this.settings.onApiState?.('up');
    for (const a of this.runs.values()) {
      if (a.timer) clearTimeout(a.timer);
      await a.writes;
    }
  }

  /** The API's state over every run: down wins over starting, starting over up. */
  private reportApiState(): void {
    const states = [...this.runs.values()].map((a) => a.run.apiState());
    const state: ApiState = states.includes('down')
      ? 'down'
      : states.includes('starting')
        ? 'starting'
        : 'up';
    this.settings.onApiState?.(state);
  }

  private refuseWhileRunning(tenant: string): void {
    const a = this.runs.get(tenant);
    if (a && (a.run.status === 'running' || a.run.status === 'suspended')) {
      const what = `${a.run.spec.ops} (${a.run.spec.scope}, ${a.run.status})`;
      throw new ApiError(409, `Upgrade operation is already in progress: ${what}, started ${a.startedAt}.`);
    }
  }

  private startSecs(tenant: string): number {
    if (this.settings.clock === 'step') return this.simNow.get(tenant) ?? 1735689600;
    return Math.floor(this.realNow() / 1000);
  }

  private realNow(): number {
    return (this.settings.now ?? Date.now)();
  }

  private schedule(a: Active): void {
    if (this.closed || this.settings.clock !== 'realtime' || a.timer) return;
    const at = a.run.nextAt();
    if (at === undefined) return;
    const delay = Math.max(0, ((at - a.run.now) * 1000) / this.settings.speed);
    a.timer = setTimeout(() => {
      a.timer = undefined;
      if (this.closed || this.settings.clock !== 'realtime') return;
      a.run.step();
      void this.flush(a).then(() => this.schedule(a));
    }, delay);
    a.timer.unref?.();
  }

  /** Writes the records the run changed (in order, one run's writes after another). */
  private flush(a: Active): Promise<void> {
    this.reportApiState();
    const changed = a.run.takeChanged();
    a.writes = a.writes.then(async () => {
      for (const [uuid, doc] of changed) {
        try {
          await this.records.replace(a.ctx, uuid, doc);
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) continue; // deleted meanwhile
          this.settings.onError?.(e);
        }
      }
    });
    return a.writes;
  }

  private async tenantRecords(ctx: RequestContext): Promise<Doc[]> {
    const out: Doc[] = [];
    for (let page = 1; ; page++) {
      const params: ListParams = {
        page,
        pageSize: PAGE,
        filters: [],
        sort: [],
        includeName: false,
        skipDefault: false,
        fields: undefined,
      };
      const result = await this.records.list(ctx, params);
      out.push(...result.items.map((i) => i.body));
      if (result.items.length < PAGE) return out;
    }
  }
}
