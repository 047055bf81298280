/** Public surface of the notify capability. */
export * from './types.js';
export { renderAlert, PARAM, type AlertNotice } from './template/render.js';
export { mergeMessages, highestLevel } from './template/digest.js';
export { formatShanghai } from './template/format.js';
export { findPersonalData, privacyRefusal } from './privacy.js';
export { createChannelRegistry, sendDelivery, deliveryKey, notConfigured } from './registry.js';
export { ChannelsSchema, validateChannelsConfig, DEFAULT_BUDGETS, type ChannelsConfig } from './config.js';
export { InMemoryBudgetLedger, budgetState, withBudget, shanghaiMonth, type BudgetLedger, type BudgetLimits, type BudgetState } from './budget.js';
export { fallbackDeliveries, shouldFallBack, FALLBACKS } from './fallback.js';
export { verifyWebhookSignature, webhookSignature, WEBHOOK_HEADERS } from './webhook/sign.js';
export { dingTalkSign } from './dingtalk/sign.js';
export { feishuSign } from './feishu/sign.js';
export { tc3Authorization, tc3Headers } from './tencent/tc3.js';
