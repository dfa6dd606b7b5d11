/** One firing of one schedule: the schedule's name and the instant its cron fired. */
export interface Fire {
  schedule: string;
  /** The instant the schedule fired (after daylight-saving adjustment), in UTC. */
  fireTime: Date;
}
