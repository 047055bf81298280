/** Protocol-faithful local stand-ins for the notification providers: each checks a request exactly as the real service does (signatures, limits, error codes). Used by tests and by demo mode. */
export { startDingTalkReceiver, type DingTalkReceiver, type DingTalkMessage } from './dingtalk.js';
export { startWeComReceiver, type WeComReceiver, type WeComMessage } from './wecom.js';
export { startFeishuReceiver, type FeishuReceiver, type FeishuMessage } from './feishu.js';
export { startTencentCloudReceiver, type TencentReceiver, type SmsRecord, type CallRecord } from './tencent.js';
export { startWebhookReceiver, type WebhookReceiver, type WebhookMessage } from './webhook.js';
export { startSmtpReceiver, type SmtpReceiver, type ReceivedMail } from './smtp.js';
export type { FailureSetting } from './http.js';
