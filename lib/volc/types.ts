/**
 * ECS API shapes as the Volcengine OpenAPI spells them (PascalCase fields), shared by the client, the emulator
 * and the planner. Nothing here knows what a schedule is.
 */

/** The two stop modes of StopInstances. */
export const StoppedMode = { StopCharging: 'StopCharging', KeepCharging: 'KeepCharging' } as const;
export type StoppedMode = (typeof StoppedMode)[keyof typeof StoppedMode];

/** Instance statuses of DescribeInstances. */
export const InstanceStatus = {
  Creating: 'CREATING',
  Running: 'RUNNING',
  Stopping: 'STOPPING',
  Stopped: 'STOPPED',
  Rebooting: 'REBOOTING',
  Starting: 'STARTING',
  Rebuilding: 'REBUILDING',
  Resizing: 'RESIZING',
  Error: 'ERROR',
  Deleting: 'DELETING',
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

/** `PostPaid` is pay-as-you-go, `PrePaid` a subscription. */
export type InstanceChargeType = 'PostPaid' | 'PrePaid' | (string & {});

export interface Tag {
  Key: string;
  Value: string;
}

/** One instance as DescribeInstances returns it (the fields lights-out uses). */
export interface Instance {
  InstanceId: string;
  InstanceName: string;
  Status: InstanceStatus | (string & {});
  /** Set on stopped instances: `KeepCharging` or `StopCharging`. */
  StoppedMode?: string;
  InstanceChargeType: InstanceChargeType;
  /** For example `ecs.g3i.large`. */
  InstanceTypeId: string;
  ZoneId: string;
  ProjectName: string;
  Tags: Tag[];
  CreatedAt?: string;
  UpdatedAt?: string;
}

/** A tag filter: instances whose tag `key` has one of `values` (any value when `values` is empty or absent). */
export interface TagFilter {
  key: string;
  values?: string[];
}

/** Server-side filters of DescribeInstances. Filters AND together. */
export interface DescribeInstancesFilters {
  /** At most 100. */
  instanceIds?: string[];
  status?: string;
  tagFilters?: TagFilter[];
  instanceChargeType?: string;
  zoneId?: string;
  projectName?: string;
}

/** One page of DescribeInstances. */
export interface DescribeInstancesPage {
  instances: Instance[];
  /** Absent or empty on the last page. */
  nextToken?: string;
  totalCount?: number;
  requestId: string;
}

/** One page of DescribeRegions. */
export interface DescribeRegionsPage {
  /** The `RegionId` of each region on the page. */
  regionIds: string[];
  /** Absent or empty on the last page. */
  nextToken?: string;
  requestId: string;
}

export interface StopInstancesParams {
  /** 1 to 100 IDs. */
  instanceIds: string[];
  /** Absent means a normal stop (KeepCharging). */
  stoppedMode?: StoppedMode;
  forceStop?: boolean;
  /** ASCII, at most 64 characters. */
  clientToken?: string;
}

export interface StartInstancesParams {
  /** 1 to 100 IDs. */
  instanceIds: string[];
  clientToken?: string;
}

/** Per-instance result of StopInstances/StartInstances. No `Error` means the instance was accepted. */
export interface OperationDetail {
  InstanceId: string;
  Error?: { Code: string; Message: string };
}

/** The result of a batch operation. */
export interface OperationResult {
  requestId: string;
  operationDetails: OperationDetail[];
}

/** What the client reports after every HTTP attempt, for counting API calls and for logs. Never holds credentials. */
export interface RequestEvent {
  action: string;
  region: string;
  /** 0 when no response arrived. */
  httpStatus: number;
  /** The error code when the call failed as a whole. */
  errorCode?: string;
  requestId?: string;
  durationMs: number;
}

/**
 * The ECS operations of one region. The client implements it over HTTP; tests of the layers above may fake it.
 * Every method makes exactly one HTTP request (no retries: retrying is the caller's policy) and throws
 * `VolcApiError` when the call fails as a whole.
 */
export interface EcsApi {
  readonly region: string;
  describeInstancesPage(
    filters: DescribeInstancesFilters,
    page?: { nextToken?: string; maxResults?: number },
  ): Promise<DescribeInstancesPage>;
  stopInstances(params: StopInstancesParams): Promise<OperationResult>;
  startInstances(params: StartInstancesParams): Promise<OperationResult>;
  /** One page of the regions the account can use; `regionIds` (at most 20) narrows it to those. */
  describeRegionsPage(page?: {
    regionIds?: string[];
    nextToken?: string;
    maxResults?: number;
  }): Promise<DescribeRegionsPage>;
}
