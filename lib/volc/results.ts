/**
 * Shape checks of the `Result` of each ECS action. The layers above decide what to stop from these values,
 * so a malformed answer is an `InvalidResponse` error, never a guess. Fields the planner depends on
 * (`InstanceId`, `Status`) are required; descriptive strings the API may leave out default to `''`.
 */
import { type ApiSuccess, type CallContext, invalidResponse, isRecord } from './response.js';
import type {
  DescribeInstancesPage,
  DescribeRegionsPage,
  Instance,
  OperationDetail,
  OperationResult,
  Tag,
} from './types.js';

/** Thrown inside the checks with the path of the bad field; turned into `InvalidResponse` at the boundary. */
class ShapeError extends Error {}

function fail(path: string, expected: string): never {
  throw new ShapeError(`${path} is not ${expected}`);
}

function requiredString(record: Record<string, unknown>, key: string, path: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '') fail(`${path}.${key}`, 'a non-empty string');
  return value;
}

/** A string the API may omit or send as null: `''` then. */
function lenientString(record: Record<string, unknown>, key: string, path: string): string {
  const value = record[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') fail(`${path}.${key}`, 'a string');
  return value;
}

function optionalString(record: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = lenientString(record, key, path);
  return value === '' ? undefined : value;
}

function parseTags(value: unknown, path: string): Tag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'an array');
  return value.map((tag, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(tag)) fail(at, 'an object');
    return { Key: requiredString(tag, 'Key', at), Value: lenientString(tag, 'Value', at) };
  });
}

function parseInstance(value: unknown, path: string): Instance {
  if (!isRecord(value)) fail(path, 'an object');
  const instance: Instance = {
    InstanceId: requiredString(value, 'InstanceId', path),
    InstanceName: lenientString(value, 'InstanceName', path),
    Status: requiredString(value, 'Status', path),
    InstanceChargeType: lenientString(value, 'InstanceChargeType', path),
    InstanceTypeId: lenientString(value, 'InstanceTypeId', path),
    ZoneId: lenientString(value, 'ZoneId', path),
    ProjectName: lenientString(value, 'ProjectName', path),
    Tags: parseTags(value.Tags, `${path}.Tags`),
  };
  const stoppedMode = optionalString(value, 'StoppedMode', path);
  const createdAt = optionalString(value, 'CreatedAt', path);
  const updatedAt = optionalString(value, 'UpdatedAt', path);
  if (stoppedMode !== undefined) instance.StoppedMode = stoppedMode;
  if (createdAt !== undefined) instance.CreatedAt = createdAt;
  if (updatedAt !== undefined) instance.UpdatedAt = updatedAt;
  return instance;
}

function parseOperationDetail(value: unknown, path: string): OperationDetail {
  if (!isRecord(value)) fail(path, 'an object');
  const detail: OperationDetail = { InstanceId: requiredString(value, 'InstanceId', path) };
  const error = value.Error;
  // No Error (or null) means the instance was accepted. An Error whose Code is empty is kept as a failure:
  // claiming a stop that may not have happened is worse than reporting an unexplained one.
  if (error !== undefined && error !== null) {
    if (!isRecord(error)) fail(`${path}.Error`, 'an object');
    if (typeof error.Code !== 'string') fail(`${path}.Error.Code`, 'a string');
    detail.Error = { Code: error.Code, Message: lenientString(error, 'Message', `${path}.Error`) };
  }
  return detail;
}

function checked<T>(context: CallContext, success: ApiSuccess, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw invalidResponse(context, success.httpStatus, error.message, success.requestId || undefined);
  }
}

/** Checks a DescribeInstances `Result`: `Instances` array, optional `NextToken` string, optional `TotalCount`. */
export function parseDescribeInstancesResult(
  context: CallContext,
  success: ApiSuccess,
): DescribeInstancesPage {
  return checked(context, success, () => {
    const { result } = success;
    if (!Array.isArray(result.Instances)) fail('Result.Instances', 'an array');
    const instances = result.Instances.map((item, i) => parseInstance(item, `Result.Instances[${i}]`));
    const nextToken = optionalString(result, 'NextToken', 'Result');
    const totalCount = result.TotalCount;
    if (totalCount !== undefined && totalCount !== null && !Number.isInteger(totalCount)) {
      fail('Result.TotalCount', 'an integer');
    }
    const page: DescribeInstancesPage = { instances, requestId: success.requestId };
    if (nextToken !== undefined) page.nextToken = nextToken;
    if (typeof totalCount === 'number') page.totalCount = totalCount;
    return page;
  });
}

/** Checks a DescribeRegions `Result`: `Regions[]` of `{RegionId}` and an optional `NextToken`. */
export function parseDescribeRegionsResult(context: CallContext, success: ApiSuccess): DescribeRegionsPage {
  return checked(context, success, () => {
    const { result } = success;
    if (!Array.isArray(result.Regions)) fail('Result.Regions', 'an array');
    const regionIds = result.Regions.map((item: unknown, i: number) => {
      const id = (item as { RegionId?: unknown } | null)?.RegionId;
      if (typeof id !== 'string' || id === '') fail(`Result.Regions[${i}].RegionId`, 'a non-empty string');
      return id;
    });
    const nextToken = optionalString(result, 'NextToken', 'Result');
    const page: DescribeRegionsPage = { regionIds, requestId: success.requestId };
    if (nextToken !== undefined) page.nextToken = nextToken;
    return page;
  });
}

/** Checks a StopInstances/StartInstances `Result`: an `OperationDetails` array of `{InstanceId, Error?}`. */
export function parseOperationResult(context: CallContext, success: ApiSuccess): OperationResult {
  return checked(context, success, () => {
    const details = success.result.OperationDetails;
    if (!Array.isArray(details)) fail('Result.OperationDetails', 'an array');
    return {
      requestId: success.requestId,
      operationDetails: details.map((item, i) => parseOperationDetail(item, `Result.OperationDetails[${i}]`)),
    };
  });
}
