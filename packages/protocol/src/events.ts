/**
 * The MindGuard Ops event protocol: the single schema source. TypeScript types are derived with
 * `Static`, runtime validation is compiled from the same objects (see validate.ts), and the JSON
 * Schema / OpenAPI documents are these objects serialised (see openapi.ts).
 */
import { Type, type Static, type TLiteral, type TObject, type TProperties, type TUnion } from '@sinclair/typebox';

export const PROTOCOL_VERSION = 1;

/** Field size limits shared by the collector and the SDKs. */
export const LIMITS = {
  maxEventsPerBatch: 1000,
  maxBodyBytes: 1_048_576,
  maxStringLength: 4096,
  maxMessageLength: 2048,
  maxStackLength: 16_384,
  maxAttrs: 32,
  maxAttrKeyLength: 64,
  maxIdLength: 64,
  maxNameLength: 256,
} as const;

const Str = (maxLength: number = LIMITS.maxNameLength) => Type.String({ maxLength });
const Id = Type.String({ minLength: 8, maxLength: LIMITS.maxIdLength, pattern: '^[A-Za-z0-9_.:-]+$' });
const Ms = Type.Number({ minimum: 0, maximum: 86_400_000, description: 'milliseconds' });
const Count = Type.Integer({ minimum: 0, maximum: 1e12 });
const Bytes = Type.Integer({ minimum: 0, maximum: 1e13 });

/** Free attributes: flat values only, bounded in number and size (no nesting). */
export const Attrs = Type.Record(
  Type.String({ maxLength: LIMITS.maxAttrKeyLength }),
  Type.Union([Type.String({ maxLength: 512 }), Type.Number(), Type.Boolean(), Type.Null()]),
  { maxProperties: LIMITS.maxAttrs },
);

/** Fields every event carries. */
const common = {
  id: Id,
  ts: Type.Number({ description: 'client clock, ms since epoch' }),
  sid: Type.Optional(Type.String({ maxLength: LIMITS.maxIdLength, description: 'session id' })),
  uid: Type.Optional(
    Type.String({ maxLength: 128, description: 'user id; stored only as a keyed pseudonym' }),
  ),
  page: Type.Optional(Str()),
  attrs: Type.Optional(Attrs),
};

function event<T extends string, P extends TProperties>(type: T, props: P, description: string) {
  const properties = { ...common, type: Type.Literal(type), ...props } as Omit<typeof common, keyof P> & {
    type: TLiteral<T>;
  } & P;
  return Type.Object(properties, { additionalProperties: false, description, $id: `Event.${type}` });
}

/** A union of string literals that keeps its literal type. */
function Lits<const T extends readonly string[]>(values: T): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(values.map((v) => Type.Literal(v))) as TUnion<TLiteral<T[number]>[]>;
}

const ErrorInfo = Type.Object(
  {
    type: Type.Optional(Str(128)),
    message: Type.Optional(Str(LIMITS.maxMessageLength)),
    stack: Type.Optional(Str(LIMITS.maxStackLength)),
    code: Type.Optional(Type.Union([Str(128), Type.Number()])),
    /** the error's group; filled in by the collector from the type, message and top frames */
    fingerprint: Type.Optional(Str(128)),
  },
  { additionalProperties: false },
);

// ---- performance ----
export const AppLaunch = event(
  'app_launch',
  { duration: Ms, cold: Type.Boolean() },
  'App launch → first page ready',
);
export const PageLoad = event('page_load', { page: Str(), duration: Ms }, 'Page onLoad → onReady');
export const ApiRequest = event(
  'api_request',
  {
    side: Type.Union([Type.Literal('client'), Type.Literal('server')]),
    api: Type.Optional(
      Lits(['request', 'callFunction', 'callContainer', 'uploadFile', 'downloadFile', 'http']),
    ),
    route: Str(),
    method: Type.Optional(Str(16)),
    status: Type.Optional(Type.Integer({ minimum: 0, maximum: 999 })),
    duration: Ms,
    ok: Type.Boolean(),
    code: Type.Optional(Type.Union([Str(128), Type.Number()])),
    errMsg: Type.Optional(Str(LIMITS.maxMessageLength)),
    reqBytes: Type.Optional(Bytes),
    resBytes: Type.Optional(Bytes),
    source: Type.Optional(Str(64)),
  },
  'An API call, seen by the client (mini-program) or measured by the server',
);
export const FunctionInvocation = event(
  'function_invocation',
  {
    fn: Str(),
    version: Type.Optional(Str(64)),
    duration: Ms,
    ok: Type.Boolean(),
    cold: Type.Optional(Type.Boolean()),
    initDuration: Type.Optional(Ms),
    timeLimit: Type.Optional(Ms),
    concurrency: Type.Optional(Count),
    memoryMb: Type.Optional(Type.Number({ minimum: 0 })),
    cpuMs: Type.Optional(Ms),
    requestId: Type.Optional(Str(128)),
    error: Type.Optional(ErrorInfo),
  },
  'A cloud-function invocation; ok=false is a function error',
);
export const DbQuery = event(
  'db_query',
  {
    collection: Str(),
    op: Str(64),
    duration: Ms,
    ok: Type.Boolean(),
    docs: Type.Optional(Count),
    scanned: Type.Optional(Count),
    shape: Type.Optional(Str(512)),
    error: Type.Optional(ErrorInfo),
  },
  'A database request (collection, operation, key shape — never values)',
);
export const AiCall = event(
  'ai_call',
  {
    workflow: Str(),
    endpoint: Type.Optional(Str(128)),
    mode: Type.Optional(Type.Union([Type.Literal('blocking'), Type.Literal('streaming')])),
    duration: Ms,
    ok: Type.Boolean(),
    timeout: Type.Optional(Type.Boolean()),
    status: Type.Optional(Str(32)),
    httpStatus: Type.Optional(Type.Integer({ minimum: 0, maximum: 999 })),
    errorCode: Type.Optional(Str(128)),
    ttfb: Type.Optional(Ms),
    firstChunk: Type.Optional(Ms),
    difyElapsed: Type.Optional(Ms),
    tokens: Type.Optional(Count),
  },
  'A Dify workflow / chat call (never inputs or outputs)',
);

// ---- errors ----
/** What happened just before an error or crash: navigation, API calls, taps (names only). */
const Breadcrumbs = Type.Array(
  Type.Object({ t: Type.Number(), c: Str(64), m: Str(256) }, { additionalProperties: false }),
  { maxItems: 50 },
);
export const JsError = event(
  'js_error',
  {
    kind: Lits(['error', 'unhandledrejection', 'page_not_found', 'method', 'manual']),
    message: Str(LIMITS.maxMessageLength),
    stack: Type.Optional(Str(LIMITS.maxStackLength)),
    fingerprint: Type.Optional(Str(128)),
    breadcrumbs: Type.Optional(Breadcrumbs),
  },
  'A JavaScript error, unhandled rejection, page-not-found or error thrown in a page method',
);
export const Crash = event(
  'crash',
  {
    reason: Lits(['abnormal_exit', 'oom_suspected', 'native']),
    lastPage: Type.Optional(Str()),
    lastActive: Type.Optional(Type.Number()),
    crashedSid: Type.Optional(Str(LIMITS.maxIdLength)),
    breadcrumbs: Type.Optional(Breadcrumbs),
  },
  'A session that did not end cleanly, reported at the next cold start',
);
export const MemoryWarning = event(
  'memory_warning',
  { level: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) },
  'wx.onMemoryWarning (level exists on Android only)',
);

// ---- experience ----
export const PageView = event(
  'page_view',
  { page: Str(), dwell: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400_000 })) },
  'A page shown, with the dwell time once it is hidden',
);
export const FunnelStep = event(
  'funnel_step',
  { funnel: Str(64), step: Str(64), index: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) },
  'A step of a configured funnel (e.g. the check-in flow)',
);
export const FeatureUse = event('feature_use', { feature: Str(128) }, 'A feature used');
export const SlowSetData = event(
  'slow_set_data',
  { duration: Ms, paths: Type.Optional(Type.Array(Str(128), { maxItems: 20 })) },
  'A slow setData (data path names only)',
);

// ---- business ----
export const Checkin = event(
  'checkin',
  {
    outcome: Lits(['attempt', 'success', 'failure']),
    reason: Type.Optional(Str(128)),
  },
  'Emotion check-in attempt / success / failure',
);
export const Task = event(
  'task',
  {
    outcome: Lits(['due', 'completed']),
    taskId: Type.Optional(Str(LIMITS.maxIdLength)),
    taskType: Type.Optional(Str(64)),
  },
  'A self-care task falling due or being completed',
);
export const Sos = event(
  'sos',
  {
    sosId: Id,
    action: Lits(['triggered', 'acknowledged', 'answered']),
    by: Type.Optional(Str(64)),
  },
  'SOS lifecycle; the platform runs a timer per sosId',
);
const RiskLevel = Lits(['none', 'low', 'medium', 'high']);
export const RiskPredicted = event(
  'risk_predicted',
  { predictionId: Id, level: RiskLevel, model: Type.Optional(Str(64)) },
  'An AI risk prediction',
);
export const RiskLabelled = event(
  'risk_labelled',
  { predictionId: Id, level: RiskLevel, reviewer: Type.Optional(Str(64)) },
  'A human review label for a prediction',
);
export const UserActive = event(
  'user_active',
  {},
  'A pseudonymous user active today (retention signal; uid required)',
);

// ---- security ----
export const AuthFailure = event(
  'auth_failure',
  { source: Type.Optional(Str(64)), method: Type.Optional(Str(64)), principal: Type.Optional(Str(128)) },
  'A failed authentication',
);
export const AccessDenied = event(
  'access_denied',
  { resource: Str(), role: Type.Optional(Str(64)), source: Type.Optional(Str(64)) },
  'An access refused by the application',
);
export const UnauthorisedOp = event(
  'unauthorised_op',
  { operation: Str(128), resource: Str(), role: Type.Optional(Str(64)), actor: Type.Optional(Str(128)) },
  'An operation outside the actor role (越权)',
);
export const SensitiveAccess = event(
  'sensitive_access',
  {
    category: Str(64),
    records: Count,
    purpose: Type.Optional(Str(128)),
    role: Type.Optional(Str(64)),
    actor: Type.Optional(Str(128)),
    export: Type.Optional(Type.Boolean()),
  },
  'A read (or export) of a sensitive data category',
);

// ---- resources & availability ----
export const Resource = event(
  'resource',
  {
    resource: Type.Union(
      ['cpu', 'memory', 'disk', 'network', 'connections', 'storage', 'concurrency', 'event_loop'].map(
        (s) => Type.Literal(s),
      ),
    ),
    value: Type.Number(),
    capacity: Type.Optional(Type.Number({ minimum: 0 })),
    unit: Type.Optional(Str(16)),
    target: Type.Optional(Str(128)),
  },
  'A resource gauge sample (target names the host, store or pool)',
);
export const Probe = event(
  'probe',
  { target: Str(), ok: Type.Boolean(), duration: Type.Optional(Ms), status: Type.Optional(Type.Integer()) },
  'A synthetic availability probe',
);

// ---- logs ----
export const Log = event(
  'log',
  {
    level: Lits(['debug', 'info', 'warn', 'error', 'fatal']),
    message: Str(LIMITS.maxMessageLength),
    category: Type.Optional(
      Lits(['system', 'business', 'security', 'exception']),
    ),
    logger: Type.Optional(Str(128)),
  },
  'A log record',
);

export const EVENT_SCHEMAS = {
  app_launch: AppLaunch,
  page_load: PageLoad,
  api_request: ApiRequest,
  function_invocation: FunctionInvocation,
  db_query: DbQuery,
  ai_call: AiCall,
  js_error: JsError,
  crash: Crash,
  memory_warning: MemoryWarning,
  page_view: PageView,
  funnel_step: FunnelStep,
  feature_use: FeatureUse,
  slow_set_data: SlowSetData,
  checkin: Checkin,
  task: Task,
  sos: Sos,
  risk_predicted: RiskPredicted,
  risk_labelled: RiskLabelled,
  user_active: UserActive,
  auth_failure: AuthFailure,
  access_denied: AccessDenied,
  unauthorised_op: UnauthorisedOp,
  sensitive_access: SensitiveAccess,
  resource: Resource,
  probe: Probe,
  log: Log,
} as const satisfies Record<string, TObject>;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];
export type EventOf<T extends EventType> = Static<(typeof EVENT_SCHEMAS)[T]>;
export type MgEvent = { [T in EventType]: EventOf<T> }[EventType];

/** Log category of each event type: decides retention (SPEC.md §5). */
export const EVENT_CATEGORY: Record<EventType, 'business' | 'system' | 'security' | 'exception'> = {
  app_launch: 'system',
  page_load: 'system',
  api_request: 'system',
  function_invocation: 'system',
  db_query: 'system',
  ai_call: 'system',
  js_error: 'exception',
  crash: 'exception',
  memory_warning: 'exception',
  page_view: 'business',
  funnel_step: 'business',
  feature_use: 'business',
  slow_set_data: 'system',
  checkin: 'business',
  task: 'business',
  sos: 'business',
  risk_predicted: 'business',
  risk_labelled: 'business',
  user_active: 'business',
  auth_failure: 'security',
  access_denied: 'security',
  unauthorised_op: 'security',
  sensitive_access: 'security',
  resource: 'system',
  probe: 'system',
  log: 'system',
};
