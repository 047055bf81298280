/**
 * What only the server-side SDK (packages/sdk-node) emits: the priority and sampling classes of its
 * event types and the length limits of its own fields. policy.ts and scrub.ts join these to the
 * lists every SDK needs. The mini-program bundle, which never emits them, is built with this module
 * replaced by empty lists (packages/sdk-miniprogram/scripts/build.mjs), so it carries only its part.
 */
/** kept first when the queue is full, never sampled out */
export const SERVER_HIGH = 'task risk_predicted risk_labelled user_active auth_failure access_denied unauthorised_op sensitive_access';
/** sampled with the per-type rates */
export const SERVER_SAMPLEABLE = 'function_invocation db_query ai_call resource probe';
/** `<max length> <field>…`, as in scrub.ts */
export const SERVER_LIMITS = ['512 shape', '16 unit', '64 model reviewer taskType role op version predictionId taskId', '128 operation actor principal purpose errorCode endpoint target'];
