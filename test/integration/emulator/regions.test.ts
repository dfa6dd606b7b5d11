import { describe, expect, it } from 'vitest';
import { parseFleet } from '../../../lib/emulator/index.js';
import { KNOWN_REGIONS } from '../../../lib/volc/index.js';
import { errorCode, fleetOf, inst, signedGet, useEmulator } from './helpers.js';

const world = useEmulator(fleetOf(inst('i-1'), inst('i-2', { Region: 'cn-wulanchabu' })));

async function allRegions(maxResults: number): Promise<string[]> {
  const found: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await world.client.describeRegionsPage({ maxResults, ...(nextToken && { nextToken }) });
    found.push(...page.regionIds);
    nextToken = page.nextToken || undefined;
  } while (nextToken !== undefined);
  return found;
}

describe('DescribeRegions', () => {
  it('lists the documented regions plus the fleet own, paged', async () => {
    const expected = [...KNOWN_REGIONS, 'cn-wulanchabu'];
    expect(await allRegions(20)).toEqual(expected);
    expect(await allRegions(3)).toEqual(expected);
  });

  it('narrows to RegionIds and leaves out a region the account does not have', async () => {
    const page = await world.client.describeRegionsPage({ regionIds: ['cn-shanghai', 'cn-bejing'] });
    expect(page.regionIds).toEqual(['cn-shanghai']);
    expect(page.nextToken ?? '').toBe('');
  });

  it('answers LimitExceeded.MaximumRegionIds for more than 20 RegionIds', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => [`RegionIds.${i + 1}`, `r-${i}`] as [string, string]);
    const answer = await signedGet(world.emulator, 'DescribeRegions', ids);
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('LimitExceeded.MaximumRegionIds');
  });

  it.each(['0', '21', 'x'])('answers InvalidArgument for MaxResults=%s', async (value) => {
    const answer = await signedGet(world.emulator, 'DescribeRegions', [['MaxResults', value]]);
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('InvalidArgument');
  });

  it('defaults MaxResults to 10 and lists only the regions a fleet file names', async () => {
    world.emulator.reset(
      parseFleet(
        'regions: [cn-beijing, cn-shanghai]\ninstances:\n  - {InstanceId: i-1, Region: cn-beijing}\n',
      ),
    );
    const answer = await signedGet(world.emulator, 'DescribeRegions');
    expect(answer.json.Result).toEqual({
      Regions: [{ RegionId: 'cn-beijing' }, { RegionId: 'cn-shanghai' }],
      NextToken: '',
    });
  });

  it("refuses a fleet file whose regions leave out an instance's region", () => {
    expect(() =>
      parseFleet('regions: [cn-shanghai]\ninstances:\n  - {InstanceId: i-1, Region: cn-beijing}\n', 'f.yaml'),
    ).toThrow("f.yaml:1:10: regions: must list the instances' regions too: cn-beijing");
  });
});
