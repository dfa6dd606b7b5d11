/**
 * A run message in each platform's format: a Feishu/Lark interactive card, DingTalk and WeCom markdown, Slack
 * blocks (with a plain `text` fallback), and a generic JSON document; plus the plain text that previews show.
 * Every value that comes from outside (instance names, tag values, API codes and messages) is cleaned of
 * markup, mentions and control characters first, so a tag cannot ping a whole group or forge a line.
 */
import { NotifyType } from '../config/index.js';
import { printable } from '../table.js';
import type { RunMessage } from './message.js';

/** WeCom refuses markdown content above 4096 bytes. */
export const WECOM_MAX_BYTES = 4096;

/** Slack refuses a section's text above 3000 characters. */
export const SLACK_SECTION_MAX_CHARS = 3000;

/** How a platform marks text up. */
interface Markup {
  bold(text: string): string;
  code(text: string): string;
}

const MARKDOWN: Markup = { bold: (t) => `**${t}**`, code: (t) => `\`${t}\`` };
const SLACK: Markup = { bold: (t) => `*${t}*`, code: (t) => `\`${t}\`` };
const PLAIN: Markup = { bold: (t) => t, code: (t) => t };

/**
 * Outside text made inert: control characters escaped, markup characters replaced by spaces, `@` by its
 * full-width form (no mention), cut at `max` characters.
 */
export function inert(text: string, max = 80): string {
  return printable(text, max)
    .replace(/[*_`~<>[\]|#\\]/g, ' ')
    .replace(/@/g, '＠')
    .replace(/&/g, '+');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `2026-03-09T14:00:00Z`: whole-second instants read better without `.000`. */
const iso = (instant: string) => new Date(instant).toISOString().replace(/\.000Z$/, 'Z');

/** The one-line headline: what happened, most important first. */
export function messageTitle(message: RunMessage): string {
  const dry = message.dryRun ? ' (dry run)' : '';
  if (message.listingError) {
    // Listing overlaps stopping: a listing can fail after the run stopped what it had listed.
    const counts = message.counts.map((c) => `${c.count} ${c.outcome}`).join(', ');
    return `lights-out${dry}: listing failed, ${counts ? `after ${counts}` : 'nothing was stopped'}`;
  }
  if (message.guard) return `lights-out${dry}: the guard refused the run`;
  const counts = message.counts.map((c) => `${c.count} ${c.outcome}`).join(', ');
  return `lights-out${dry}: ${counts || 'nothing to do'}`;
}

/** The guard's count as plan says it: `1200 stops`, or `900 stops and 400 starts` when the run starts too. */
function guardCount(guard: NonNullable<RunMessage['guard']>): string {
  return guard.starts > 0 ? `${guard.stops} stops and ${guard.starts} starts` : `${guard.stops} stops`;
}

/** What the saved hours run until, as the message says it. */
const BASIS_TEXT: Readonly<Record<NonNullable<RunMessage['savings']>['basis'], string>> = {
  'next-start': ' (until the next start)',
  'same-time-next-day': ' (until the same time the next day: the schedule has no start)',
  mixed: ' (until each next start; the same time the next day for schedules without a start)',
};

function savingsLine(message: RunMessage, m: Markup): string | undefined {
  const s = message.savings;
  if (!s) return undefined;
  const money =
    s.amount !== undefined && s.currency !== undefined ? `, ${s.amount.toFixed(2)} ${s.currency}` : '';
  const basis = BASIS_TEXT[s.basis];
  const unpriced =
    s.unpriced > 0 ? `; ${plural(s.unpriced, 'instance')} without a price not in the amount` : '';
  return `${m.bold('Saved')}: ${s.instanceHours} instance-hours${money}${basis}${unpriced}`;
}

/**
 * The body as lines, in one markup. Lines that start with `- ` are list items.
 */
function bodyLines(message: RunMessage, m: Markup): string[] {
  const lines: string[] = [];
  const fires = message.fires.map((f) => `${inert(f.schedule)} ${f.action} at ${f.local}`).join('; ');
  lines.push(`${m.bold('Fired')}: ${fires || 'none'}`);
  const counts = message.counts.map((c) => `${c.count} ${c.outcome}`).join(', ');
  lines.push(`${m.bold('Outcomes')}: ${counts || 'no tagged instance'}`);
  if (message.guard) {
    lines.push(
      `${m.bold('Guard')}: refused the run, ${guardCount(message.guard)} exceed guard.maxInstancesPerRun ` +
        `${message.guard.maxInstancesPerRun}; nothing was stopped or started (a forced run can override)`,
    );
  }
  if (message.listingError) {
    lines.push(
      `${m.bold('Listing failed')}: ${m.code(inert(message.listingError.code, 60))} ` +
        `${inert(message.listingError.message, 200)}; ` +
        (message.counts.length > 0
          ? 'what was listed before it was carried out (the outcomes above); nothing else was'
          : 'nothing was stopped'),
    );
  }
  const failedCount = message.failures.length + message.moreFailures;
  if (failedCount > 0) {
    lines.push(`${m.bold(`Failed (${failedCount})`)}:`);
    for (const f of message.failures) {
      lines.push(
        `- ${m.code(inert(f.instanceId, 40))} ${inert(f.instanceName, 40)} ` +
          `(${inert(f.region, 30)}, ${inert(f.schedule, 63)}): ${m.code(inert(f.errorCode, 80))}`,
      );
    }
    if (message.moreFailures > 0) {
      lines.push(`and ${message.moreFailures} more (see the instance.outcome log lines)`);
    }
  }
  if (message.capacityRefusals !== undefined) {
    lines.push(
      `${m.bold('Capacity refusals')}: ${plural(message.capacityRefusals, 'instance')} refused for capacity`,
    );
  }
  const strayCount = message.strays.length + message.moreStrays;
  if (strayCount > 0) {
    lines.push(`${m.bold(`Tags to fix (${strayCount})`)}:`);
    for (const s of message.strays) {
      const why =
        s.reason === 'unknown-schedule'
          ? `names no configured schedule (${m.code(inert(s.tag, 63))})`
          : 'carries an invalid inline schedule';
      lines.push(`- ${m.code(inert(s.instanceId, 40))} (${inert(s.region, 30)}) ${why}`);
    }
    if (message.moreStrays > 0) lines.push(`and ${message.moreStrays} more`);
  }
  const saved = savingsLine(message, m);
  if (saved) lines.push(saved);
  return lines;
}

/** The footer: the tick, and why a second message for the same tick can happen. */
export function tickLine(message: RunMessage): string {
  return `tick ${iso(message.tick)} · a platform retry of this tick may post it again`;
}

/**
 * The message as plain text: title, body, tick. What `--notify-preview` prints, and the `text` fallback.
 *
 * @example
 * process.stdout.write(messageText(message));
 */
export function messageText(message: RunMessage): string {
  return `${[messageTitle(message), ...bodyLines(message, PLAIN), tickLine(message)].join('\n')}\n`;
}

/** Markdown lines joined: list items by a line break, other lines by `paragraph` (DingTalk needs a blank line). */
function markdown(lines: readonly string[], paragraph: string): string {
  return lines
    .map((line, i) => (i === 0 ? line : `${line.startsWith('- ') ? '\n' : paragraph}${line}`))
    .join('');
}

/** Cuts UTF-8 text to `maxBytes`, at a line end when there is one, and says it did. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const note = '\n… (cut: see the log lines)';
  let cut = Buffer.from(text, 'utf8')
    .subarray(0, maxBytes - Buffer.byteLength(note, 'utf8'))
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  const lastLine = cut.lastIndexOf('\n');
  if (lastLine > 0) cut = cut.slice(0, lastLine);
  return `${cut}${note}`;
}

/** The payload a platform receives (signing fields are added at delivery). */
export type Payload = Record<string, unknown>;

function feishuCard(message: RunMessage): Payload {
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: {
        title: { tag: 'plain_text', content: messageTitle(message) },
        template: message.status === 'failed' ? 'red' : message.dryRun ? 'grey' : 'green',
      },
      elements: [
        { tag: 'div', text: { tag: 'lark_md', content: bodyLines(message, MARKDOWN).join('\n') } },
        { tag: 'note', elements: [{ tag: 'plain_text', content: tickLine(message) }] },
      ],
    },
  };
}

function slackBlocks(message: RunMessage): Payload {
  const title = messageTitle(message);
  const body = bodyLines(message, SLACK).join('\n');
  return {
    text: `${title}\n${bodyLines(message, PLAIN).join('\n')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: cutToBytes(body, SLACK_SECTION_MAX_CHARS) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: tickLine(message) }] },
    ],
  };
}

/**
 * The payload for a target type.
 *
 * @example
 * JSON.stringify(renderPayload('dingtalk', message)); // {"msgtype":"markdown","markdown":{...}}
 */
export function renderPayload(type: NotifyType, message: RunMessage): Payload {
  const title = messageTitle(message);
  switch (type) {
    case NotifyType.Feishu:
    case NotifyType.Lark:
      return feishuCard(message);
    case NotifyType.DingTalk:
      return {
        msgtype: 'markdown',
        markdown: {
          title,
          text: markdown([`### ${title}`, ...bodyLines(message, MARKDOWN), `> ${tickLine(message)}`], '\n\n'),
        },
      };
    case NotifyType.WeCom:
      return {
        msgtype: 'markdown',
        markdown: {
          content: cutToBytes(
            markdown([`### ${title}`, ...bodyLines(message, MARKDOWN), `> ${tickLine(message)}`], '\n'),
            WECOM_MAX_BYTES,
          ),
        },
      };
    case NotifyType.Slack:
      return slackBlocks(message);
    case NotifyType.Webhook:
      return { source: 'lights-out', title, text: messageText(message), message };
  }
}
