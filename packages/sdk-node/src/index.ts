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
export { createBusiness, type Business, type RiskLevel } from './business.js';
export { createAudit, type Audit, type AuthFailureInfo, type AccessInfo, type OperationInfo, type SensitiveInfo } from './audit.js';
export { protocolId, shanghaiDay } from './ids.js';
export { instrumentCloudbaseDb, instrumentCloudbaseRequester, type CloudbaseDbOptions } from './db/cloudbase.js';
export { instrumentSqlPool, instrumentPgPool, instrumentMysqlPool, poolUsage, type SqlPoolOptions, type PoolUsage } from './db/sql.js';
export { pgStorage, mysqlStorage, cloudbaseCollectionSizes, type StorageOptions } from './db/storage.js';
export { docShape, sqlShape, sqlInfo } from './db/shape.js';
export { startResourceSampler, type ResourceSampler, type ResourceSamplerOptions, type GaugeSource } from './resource.js';
export { init, optionsFromEnv, ConfigError, SDK_NAME, SDK_VERSION, type NodeSdk, type NodeSdkOptions, type CoreTuning } from './init.js';
export { nodeMakeRequest, type NodeTransportOptions } from './transport.js';

import { createBusiness } from './business.js';
import { createAudit } from './audit.js';

const business = createBusiness();
/** Business truth through the global recorder (set up by `init`). */
export const { checkin, task, sos, risk, retention } = business;
/** Security audit through the global recorder. */
export const audit = createAudit();
