import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { issuesOf, yaml } from './issues.js';

const FILE = 'c.yaml';
/** Lines 1-4; tests append from line 5 on. */
const HEAD = ['version: 1', 'regions: [cn-beijing]', 'schedules:', '  nightly: { stop: "30 23 * * *" }'];

const LITERAL =
  'a literal URL is not allowed in notify: a webhook URL carries the bot token, so put it in an ' +
  'environment variable and name that variable with urlEnv';

describe('notify: and prices:', () => {
  it('reads targets with their defaults, and prices', () => {
    const config = parseConfig(
      yaml(
        ...HEAD,
        'notify:',
        '  - type: feishu',
        '    urlEnv: FEISHU_WEBHOOK_URL',
        '    secretEnv: FEISHU_WEBHOOK_SECRET',
        '  - { type: slack, urlEnv: SLACK_URL, when: failures, schedules: [nightly] }',
        'prices: { currency: CNY, hourly: { ecs.g3i.large: 0.56, ecs.c3i: 0.4 } }',
      ),
      FILE,
    );
    expect(config.notify).toEqual([
      {
        type: 'feishu',
        urlEnv: 'FEISHU_WEBHOOK_URL',
        secretEnv: 'FEISHU_WEBHOOK_SECRET',
        when: 'changes',
        location: { file: FILE, line: 6, column: 5 },
      },
      {
        type: 'slack',
        urlEnv: 'SLACK_URL',
        when: 'failures',
        schedules: ['nightly'],
        location: { file: FILE, line: 9, column: 5 },
      },
    ]);
    expect(config.prices).toEqual({ currency: 'CNY', hourly: { 'ecs.g3i.large': 0.56, 'ecs.c3i': 0.4 } });
  });

  it('leaves notify and prices out when the file has none', () => {
    const config = parseConfig(yaml(...HEAD), FILE);
    expect(config.notify).toBeUndefined();
    expect(config.prices).toBeUndefined();
  });

  it.each<[string, string[], string[]]>([
    [
      'a literal URL in urlEnv, without echoing it',
      ['notify:', '  - { type: feishu, urlEnv: "https://open.feishu.cn/open-apis/bot/v2/hook/abc123" }'],
      [`c.yaml:6:29: ${LITERAL}`],
    ],
    [
      'a url key holding a URL',
      [
        'notify:',
        '  - type: dingtalk',
        '    urlEnv: DING_URL',
        '    url: https://oapi.dingtalk.com/robot/send?access_token=t0k',
      ],
      [`c.yaml:8:10: ${LITERAL}`],
    ],
    [
      'a url key holding a variable name',
      ['notify:', '  - { type: slack, urlEnv: SLACK_URL, url: SLACK_URL }'],
      ["c.yaml:6:44: there is no 'url' key: name the environment variable that holds the URL with urlEnv"],
    ],
    [
      'a URL anywhere else under notify',
      ['notify:', '  - { type: slack, urlEnv: SLACK_URL, schedules: ["http://127.0.0.1:9/x"] }'],
      [`c.yaml:6:51: ${LITERAL}`],
    ],
    [
      'a missing urlEnv and an unknown type with a suggestion',
      ['notify:', '  - { type: feishuu }'],
      [
        "c.yaml:6:5: missing required key 'urlEnv'",
        "c.yaml:6:13: expected one of feishu, lark, dingtalk, wecom, slack, webhook, got string 'feishuu' (did you mean 'feishu'?)",
      ],
    ],
    [
      'secretEnv on a platform that signs by URL',
      ['notify:', '  - { type: wecom, urlEnv: WECOM_URL, secretEnv: WECOM_SECRET }'],
      ['c.yaml:6:50: wecom signs by the secret URL alone: remove secretEnv (keep the whole URL in urlEnv)'],
    ],
    [
      'an unknown key with a suggestion, and a bad when',
      ['notify:', '  - { type: slack, urlEnv: SLACK_URL, whne: always, when: sometimes }'],
      [
        "c.yaml:6:39: unknown key 'whne' (did you mean 'when'?)",
        "c.yaml:6:59: expected one of always, changes, failures, got string 'sometimes'",
      ],
    ],
    [
      'a schedule that is not configured',
      ['notify:', '  - { type: slack, urlEnv: SLACK_URL, schedules: [nightly, weekly] }'],
      [
        "c.yaml:6:5: notify target slack names schedule 'weekly', which is not configured (schedules: nightly)",
      ],
    ],
    [
      'a variable name that is not one',
      ['notify:', '  - { type: slack, urlEnv: "my url" }'],
      [
        "c.yaml:6:28: expected the name of an environment variable like FEISHU_WEBHOOK_URL, got string 'my url'",
      ],
    ],
    [
      'prices without currency, with a bad key and a negative price',
      ['prices:', '  hourly: { g3i: 1, ecs.g3i: -1 }'],
      [
        "c.yaml:6:3: missing required key 'currency'",
        "c.yaml:6:13: invalid instance type or family 'g3i' (like ecs.g3i.large or ecs.g3i)",
        'c.yaml:6:30: expected an hourly price of zero or more, got number -1',
      ],
    ],
    [
      'a currency that is not a code',
      ['prices: { currency: yuan, hourly: {} }'],
      ["c.yaml:5:21: expected an ISO 4217 currency code like CNY or USD, got string 'yuan'"],
    ],
  ])('reports %s', (_name, lines, expected) => {
    expect(issuesOf(yaml(...HEAD, ...lines)).sort()).toEqual([...expected].sort());
  });

  it('never echoes the URL it refuses', () => {
    const issues = issuesOf(
      yaml(
        ...HEAD,
        'notify:',
        '  - { type: feishu, urlEnv: "https://open.feishu.cn/open-apis/bot/v2/hook/s3cr3t-token" }',
      ),
    );
    expect(issues.join('\n')).not.toContain('s3cr3t-token');
  });
});
