/**
 * A local stand-in for Tencent Cloud API 3.0 serving SMS `SendSms` (2021-01-11, service sms) and
 * voice `SendTtsVoice` (2020-09-02, service vms). It verifies TC3-HMAC-SHA256 as the service does:
 * parses Authorization, checks X-TC-Timestamp (±5 min), the credential date against it, the
 * SecretId, X-TC-Action / X-TC-Version / X-TC-Region, and recomputes the signature over the
 * headers the client says it signed, with the host WITHOUT its port. Then validates the action's
 * parameters against the configured app, sign and templates, applies per-number limits, and
 * answers `{Response:{…, RequestId}}` or `{Response:{Error:{Code, Message}, RequestId}}`.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { asRecord, header, parseJson, startHttpReceiver, type FailureSetting, type ReceivedRequest, type Reply } from './http.js';

export interface TencentReceiverOptions {
  secretId: string;
  secretKey: string;
  now?: () => number;
  sms?: { sdkAppId: string; signName: string; templates: Record<string, number> };
  voice?: { sdkAppId: string; templates: Record<string, number> };
  /** Tencent's default per-number SMS limits */
  smsLimits?: { per30s: number; perHour: number; perDay: number };
}

export type SmsRecord = { phoneNumber: string; templateId: string; params: string[]; signName: string; sessionContext: string; serialNo: string; at: number };
export type CallRecord = { calledNumber: string; templateId: string; params: string[]; playTimes: number; sessionContext: string; callId: string; at: number };

export interface TencentReceiver {
  url: string;
  sms: SmsRecord[];
  calls: CallRecord[];
  rejected: Array<{ action: string; code: string; message: string }>;
  requests: ReceivedRequest[];
  /** make one number fail with this code (e.g. an exhausted package), for SMS, voice or both */
  setNumberStatus(phone: string, code: string | null, service?: 'sms' | 'voice'): void;
  setFailure(f: FailureSetting | null): void;
  close(): Promise<void>;
}

const ACTIONS: Record<string, { service: string; version: string }> = {
  SendSms: { service: 'sms', version: '2021-01-11' },
  SendTtsVoice: { service: 'vms', version: '2020-09-02' },
};

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const mac = (key: string | Buffer, s: string): Buffer => createHmac('sha256', key).update(s).digest();

export async function startTencentCloudReceiver(opts: TencentReceiverOptions): Promise<TencentReceiver> {
  const now = opts.now ?? (() => Date.now());
  const limits = opts.smsLimits ?? { per30s: 1, perHour: 5, perDay: 10 };
  const sms: SmsRecord[] = [];
  const calls: CallRecord[] = [];
  const rejected: TencentReceiver['rejected'] = [];
  const numberStatus = new Map<string, string>();
  const status = (service: 'sms' | 'voice', phone: string): string | undefined => numberStatus.get(`${service}|${phone}`) ?? numberStatus.get(phone);

  const handle = (req: ReceivedRequest): Reply => {
    const action = header(req, 'x-tc-action') ?? '';
    const error = (code: string, message: string): Reply => {
      rejected.push({ action, code, message });
      return { status: 200, json: { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } } };
    };
    if (req.method !== 'POST' || req.url.pathname !== '/') return { status: 404, text: 'not found' };
    const auth = header(req, 'authorization') ?? '';
    const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return error('AuthFailure.InvalidAuthorization', 'Authorization header is invalid.');
    const [, secretId, date, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
    const ts = Number(header(req, 'x-tc-timestamp') ?? 'NaN');
    if (!Number.isInteger(ts)) return error('MissingParameter', 'The request is missing a required parameter `Timestamp`.');
    if (Math.abs(now() / 1000 - ts) > 300) return error('AuthFailure.SignatureExpire', 'Signature expired. Timestamp differs from the server time by more than 5 minutes.');
    if (secretId !== opts.secretId) return error('AuthFailure.SecretIdNotFound', 'The SecretId is not found.');
    const spec = ACTIONS[action];
    if (!spec) return error('InvalidAction', `The requested action \`${action}\` does not exist.`);
    if (header(req, 'x-tc-version') !== spec.version) return error('NoSuchVersion', 'The requested version does not exist.');
    if (!header(req, 'x-tc-region')) return error('MissingParameter', 'The request is missing a required parameter `Region`.');
    const names = signedHeaders.split(';');
    if (!names.includes('content-type') || !names.includes('host')) return error('AuthFailure.SignatureFailure', 'SignedHeaders must include content-type and host.');
    const canonicalHeaders = names
      .map((name) => {
        let value = (header(req, name) ?? '').trim();
        if (name === 'host') value = value.replace(/:\d+$/, ''); // clients sign the host without the port
        return `${name}:${value.toLowerCase()}\n`; // keys and values in lower case
      })
      .join('');
    const canonicalRequest = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256(req.body)}`;
    const expectedDate = new Date(ts * 1000).toISOString().slice(0, 10);
    const stringToSign = `TC3-HMAC-SHA256\n${ts}\n${expectedDate}/${service}/tc3_request\n${sha256(canonicalRequest)}`;
    const kSigning = mac(mac(mac('TC3' + opts.secretKey, expectedDate), service), 'tc3_request');
    const expected = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
    if (date !== expectedDate || service !== spec.service || expected !== signature) {
      return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
    }
    const body = asRecord(parseJson(req.text));
    if (!body) return error('InvalidParameter', 'The request body is not valid JSON.');
    return action === 'SendSms' ? sendSms(body, error) : sendVoice(body, error);
  };

  const sendSms = (body: Record<string, unknown>, error: (c: string, m: string) => Reply): Reply => {
    const cfg = opts.sms;
    if (!cfg || body.SmsSdkAppId !== cfg.sdkAppId) return error('InvalidParameterValue.SdkAppIdNotExist', 'SdkAppId does not exist.');
    if (body.SignName !== cfg.signName) return error('FailedOperation.SignatureIncorrectOrUnapproved', 'The signature is incorrect or unapproved.');
    const templateId = typeof body.TemplateId === 'string' ? body.TemplateId : '';
    const count = cfg.templates[templateId];
    if (count === undefined) return error('FailedOperation.TemplateIncorrectOrUnapproved', 'The template is incorrect or unapproved.');
    const params = strings(body.TemplateParamSet);
    if (params.length !== count) return error('FailedOperation.TemplateParamSetNotMatchApprovedTemplate', 'The template parameters do not match the approved template.');
    const phones = strings(body.PhoneNumberSet);
    if (phones.length === 0 || phones.length > 200) return error('InvalidParameterValue.IncorrectPhoneNumber', 'PhoneNumberSet must hold 1 to 200 numbers.');
    const t = now();
    const sessionContext = typeof body.SessionContext === 'string' ? body.SessionContext : '';
    const SendStatusSet = phones.map((phone) => {
      const serialNo = `2433:${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const past = sms.filter((s) => s.phoneNumber === phone).map((s) => s.at);
      let code = status('sms', phone) ?? 'Ok';
      if (!/^\+\d{6,15}$/.test(phone)) code = 'InvalidParameterValue.IncorrectPhoneNumber';
      else if (past.filter((x) => x > t - 30_000).length >= limits.per30s) code = 'LimitExceeded.PhoneNumberThirtySecondLimit';
      else if (past.filter((x) => x > t - 3_600_000).length >= limits.perHour) code = 'LimitExceeded.PhoneNumberOneHourLimit';
      else if (past.filter((x) => x > t - 86_400_000).length >= limits.perDay) code = 'LimitExceeded.PhoneNumberDailyLimit';
      if (code === 'Ok') sms.push({ phoneNumber: phone, templateId, params, signName: cfg.signName, sessionContext, serialNo, at: t });
      return { SerialNo: code === 'Ok' ? serialNo : '', PhoneNumber: phone, Fee: code === 'Ok' ? 1 : 0, SessionContext: sessionContext, Code: code, Message: code === 'Ok' ? 'send success' : code, IsoCode: 'CN' };
    });
    return { status: 200, json: { Response: { SendStatusSet, RequestId: randomUUID() } } };
  };

  const sendVoice = (body: Record<string, unknown>, error: (c: string, m: string) => Reply): Reply => {
    const cfg = opts.voice;
    if (!cfg || body.VoiceSdkAppid !== cfg.sdkAppId) return error('InvalidParameterValue.SdkAppidNotExist', 'VoiceSdkAppid does not exist.');
    const templateId = typeof body.TemplateId === 'string' ? body.TemplateId : '';
    const count = cfg.templates[templateId];
    if (count === undefined) return error('FailedOperation.TemplateIncorrectOrUnapproved', 'The template is incorrect or unapproved.');
    const params = strings(body.TemplateParamSet);
    if (params.length !== count) return error('FailedOperation.TemplateParamSetNotMatchApprovedTemplate', 'The template parameters do not match the approved template.');
    const called = typeof body.CalledNumber === 'string' ? body.CalledNumber : '';
    if (!/^\+\d{6,15}$/.test(called)) return error('InvalidParameterValue.InvalidCalledNumber', 'CalledNumber is invalid.');
    const playTimes = typeof body.PlayTimes === 'number' ? body.PlayTimes : 2;
    if (!Number.isInteger(playTimes) || playTimes < 1 || playTimes > 3) return error('InvalidParameterValue.PlayTimesOutOfRange', 'PlayTimes must be 1 to 3.');
    const refused = status('voice', called);
    if (refused) return error(refused, 'The call cannot be placed.');
    const callId = randomUUID();
    const sessionContext = typeof body.SessionContext === 'string' ? body.SessionContext : '';
    calls.push({ calledNumber: called, templateId, params, playTimes, sessionContext, callId, at: now() });
    return { status: 200, json: { Response: { SendStatus: { CallId: callId, SessionContext: sessionContext }, RequestId: randomUUID() } } };
  };

  const server = await startHttpReceiver(handle);
  return {
    url: server.origin,
    sms,
    calls,
    rejected,
    requests: server.requests,
    setNumberStatus(phone, code, service) {
      const key = service ? `${service}|${phone}` : phone;
      if (code === null) numberStatus.delete(key);
      else numberStatus.set(key, code);
    },
    setFailure: (f) => server.setFailure(f),
    close: () => server.close(),
  };
}

function strings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : [];
}
