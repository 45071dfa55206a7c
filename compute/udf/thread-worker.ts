/**
 * Entry point of a UDF worker thread (started by ThreadInvoker with tsx loaded). Imports the step's
 * module, runs setup once, runs units as they arrive (many at once: async UDFs overlap), and runs
 * teardown when told. Errors are serialised with their retry classification.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { FromThread, ThreadWorkerData, ToThread } from './thread-protocol.ts';
import { serializeError } from './thread-protocol.ts';
import { CallContext, invokeStep } from './udf-invoke.ts';
import { loadStepFromOrigin } from './udf-origin.ts';
import type { UdfStep } from './udf-step.ts';

if (!parentPort) throw new Error('thread-worker.ts must run in a worker thread');
const port = parentPort;
const data = workerData as ThreadWorkerData;
const controller = new AbortController();
const send = (message: FromThread) => port.postMessage(message);

let step: UdfStep | undefined;
let resource: unknown;

try {
  step = await loadStepFromOrigin(data.origin, data.sourceText);
} catch (error) {
  send({ t: 'loadError', error: serializeError(error) });
}
if (step) {
  try {
    resource = step.options.setup ? await step.options.setup() : undefined;
    send({ t: 'ready', threadId });
  } catch (error) {
    step = undefined;
    send({ t: 'setupError', error: serializeError(error) });
  }
}

port.on('message', (message: ToThread) => {
  if (message.t === 'abort') controller.abort();
  else if (message.t === 'teardown') void teardown();
  else if (message.t === 'run') void run(message);
});

async function run(message: Extract<ToThread, { t: 'run' }>): Promise<void> {
  const ctx = new CallContext(resource, controller.signal, message.attempt);
  try {
    const unit = {
      ids: message.ids,
      rows: message.rows as Record<string, unknown>[],
      key: message.key as Record<string, unknown> | undefined,
    };
    const outputs = await invokeStep(step!, unit, ctx);
    send({ t: 'done', id: message.id, outputs, tokens: ctx.tokens });
  } catch (error) {
    send({ t: 'fail', id: message.id, error: serializeError(error) });
  }
}

async function teardown(): Promise<void> {
  const fn = step?.options.teardown as ((r: unknown) => unknown) | undefined;
  try {
    if (fn) await fn(resource);
  } catch (error) {
    process.emitWarning(
      `UDF teardown failed in thread ${threadId}: ${(error as Error)?.message}`,
      'ChainqlWarning',
    );
  }
  send({ t: 'closed' });
  port.close();
}
