/**
 * What a schedule asks for when it fires: `stop` (StopInstances) or `start` (StartInstances). Every fire,
 * plan line, outcome line and summary fire names its action.
 */
export const Action = { Stop: 'stop', Start: 'start' } as const;
export type Action = (typeof Action)[keyof typeof Action];

/** One firing of one schedule: the schedule's name, the instant its cron fired, and what it asks for. */
export interface Fire {
  schedule: string;
  /** The instant the schedule fired (after daylight-saving adjustment), in UTC. */
  fireTime: Date;
  /** Which of the schedule's crons fired: its `stop:` or its `start:`. */
  action: Action;
}
