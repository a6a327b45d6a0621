// A projection worker in a process of its own, so a test can kill it for real (SIGKILL): it runs
// the Kafka source and prints the eventId of every event handed to it, one per line, before the
// batch's offsets are committed. Usage: consumerProcess.ts <brokers> <topic> <groupId> <dlqTopic>
import pino from 'pino';
import { kafkaEventSource } from '../../../services/bus/kafkaEventSource.ts';

const [brokers = '', topic = '', groupId = '', dlqTopic = ''] = process.argv.slice(2);
const source = kafkaEventSource({
  brokers: brokers.split(','),
  topic,
  groupId,
  dlqTopic,
  log: pino({ level: 'error' }, pino.destination(2)),
  maxBatch: 10,
  sessionTimeout: 3000,
  heartbeatInterval: 500,
});
await source.start(0, async (events) => {
  process.stdout.write(events.map((e) => `${e.eventId}\n`).join(''));
  // A worker that takes its time, so it is killed with work handed over but not yet committed.
  await new Promise((r) => setTimeout(r, 30));
});
