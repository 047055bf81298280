/**
 * @mgops/sdk-node — MindGuard Ops instrumentation for cloud functions and Node services.
 * Wrappers capture protocol events into one sink (sdk-core's client); see README.md.
 */
export { MemorySink, NOOP_SINK, type EventInput, type EventSink } from './sink.js';
export { Recorder, type RecorderOptions } from './recorder.js';
export { getRecorder, setRecorder, type WithRecorder } from './global.js';
export { makePseudonymiser, errorInfo, maskSource, type Pseudonymise } from './privacy.js';
export {
  withMonitoring,
  instanceState,
  type CloudFunctionContext,
  type CloudFunctionHandler,
  type MonitoringOptions,
} from './cloudfunction.js';
export { HttpMeter, type HttpMonitorOptions } from './http/meter.js';
export {
  monitorRequestListener,
  instrumentHttpServer,
  expressMiddleware,
  koaMiddleware,
  instrumentFastify,
  fastifyPlugin,
  UNMATCHED,
  type NodeHttpOptions,
} from './http/adapters.js';
export { instrumentDifyFetch, type DifyMonitorOptions, type FetchLike } from './dify/fetch.js';
export { createDifyClient, DifyError, type DifyClient, type DifyClientOptions, type DifyWorkflowResult } from './dify/client.js';
export { SseParser, type DifyStreamEvent } from './dify/sse.js';
