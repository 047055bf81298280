/**
 * The `channels:` section of config/mindguard.yaml, validated by this capability's own schema.
 * Secrets (robot secrets, SMTP password, Tencent Cloud keys) live here and only here: targets in
 * the outbox name a robot group or endpoint, never a secret.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 });
const Url = Type.String({ pattern: '^https?://', maxLength: 2048 });
const Timeout = Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 }));

const Limits = Type.Object(
  { perMinute: Type.Optional(Type.Integer({ minimum: 1 })), perMonth: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);

const Tencent = {
  secretId: Type.String({ minLength: 1 }),
  secretKey: Type.String({ minLength: 1 }),
  region: Type.String({ minLength: 1 }),
  endpoint: Type.Optional(Url),
  timeoutMs: Timeout,
  paramCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  paramMaxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};

export const ChannelsSchema = Type.Object(
  {
    dingtalk: Type.Optional(
      Type.Object(
        {
          groups: Type.Record(
            Name,
            Type.Object(
              {
                robots: Type.Array(
                  Type.Object({ name: Type.Optional(Type.String({ maxLength: 64 })), webhook: Url, secret: Type.Optional(Type.String()) }, { additionalProperties: false }),
                  { minItems: 1 },
                ),
              },
              { additionalProperties: false },
            ),
          ),
          perRobotPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
          maxBodyBytes: Type.Optional(Type.Integer({ minimum: 1000, maximum: 20_000 })),
          timeoutMs: Timeout,
        },
        { additionalProperties: false },
      ),
    ),
    wecom: Type.Optional(
      Type.Object(
        { robots: Type.Record(Name, Type.Object({ webhook: Url }, { additionalProperties: false })), perRobotPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })), timeoutMs: Timeout },
        { additionalProperties: false },
      ),
    ),
    feishu: Type.Optional(
      Type.Object(
        { bots: Type.Record(Name, Type.Object({ webhook: Url, secret: Type.Optional(Type.String()) }, { additionalProperties: false })), timeoutMs: Timeout },
        { additionalProperties: false },
      ),
    ),
    email: Type.Optional(
      Type.Object(
        {
          smtp: Type.Object(
            {
              host: Type.String({ minLength: 1 }),
              port: Type.Integer({ minimum: 1, maximum: 65535 }),
              secure: Type.Optional(Type.Boolean()),
              requireTLS: Type.Optional(Type.Boolean()),
              auth: Type.Optional(Type.Object({ user: Type.String(), pass: Type.String() }, { additionalProperties: false })),
            },
            { additionalProperties: false },
          ),
          from: Type.String({ minLength: 3 }),
          timeoutMs: Timeout,
        },
        { additionalProperties: false },
      ),
    ),
    sms: Type.Optional(
      Type.Object(
        { ...Tencent, sdkAppId: Type.String({ minLength: 1 }), signName: Type.String({ minLength: 1 }), templateId: Type.String({ minLength: 1 }), resolvedTemplateId: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    voice: Type.Optional(
      Type.Object(
        { ...Tencent, voiceSdkAppId: Type.String({ minLength: 1 }), templateId: Type.String({ minLength: 1 }), playTimes: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })) },
        { additionalProperties: false },
      ),
    ),
    webhook: Type.Optional(
      Type.Object(
        { endpoints: Type.Record(Name, Type.Object({ url: Url, secret: Type.String({ minLength: 16 }), timeoutMs: Timeout }, { additionalProperties: false })) },
        { additionalProperties: false },
      ),
    ),
    /** per-target budgets by channel type */
    budgets: Type.Optional(
      Type.Object(
        {
          dingtalk: Type.Optional(Limits),
          wecom: Type.Optional(Limits),
          feishu: Type.Optional(Limits),
          email: Type.Optional(Limits),
          sms: Type.Optional(Limits),
          voice: Type.Optional(Limits),
          webhook: Type.Optional(Limits),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ChannelsConfig = Static<typeof ChannelsSchema>;

const check = TypeCompiler.Compile(ChannelsSchema);

/** Validates the section; issues carry the key path below `channels` for the config loader. */
export function validateChannelsConfig(value: unknown): { config: ChannelsConfig } | { issues: Array<{ path: string[]; message: string }> } {
  const section = value ?? {};
  if (check.Check(section)) return { config: section };
  const issues = [...check.Errors(section)].slice(0, 20).map((e) => ({ path: ['channels', ...e.path.split('/').slice(1)], message: e.message }));
  return { issues };
}

/** Default budgets: SMS and phone calls cost money and wake people; robots have their own limits. */
export const DEFAULT_BUDGETS: NonNullable<ChannelsConfig['budgets']> = {
  sms: { perMinute: 5, perMonth: 2000 },
  voice: { perMinute: 2, perMonth: 300 },
};
