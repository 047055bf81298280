/**
 * Demo scenarios end to end (SDK → collector → storage → rules → alerts → channels → API):
 * an SOS nobody answers, and an unauthorised (越权) operation. Both must page at P0 by voice,
 * SMS, DingTalk and e-mail, reach the on-call engineer and the leads, and resolve once the
 * fault is gone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../helpers.js';
import { inject, MOBILE, openAlert, removeScenario, resolveAfterWindow, startDemoRig, type DemoRig } from './kit.js';

let rig: DemoRig;
before(async () => {
  rig = await startDemoRig({ users: 300, speed: 60, lanes: 8 });
  await sleep(2000);
});
after(async () => rig.close());

const called = () => new Set(rig.rx.tencent.calls.map((c) => c.calledNumber.replace(/^\+86/, '')));
const texted = () => new Set(rig.rx.tencent.sms.map((c) => c.phoneNumber.replace(/^\+86/, '')));

test('sos-unanswered: P1 after 30 s, P0 after 60 s (test limits 3 s / 6 s) to every P0 channel; resolves when answered', async () => {
  assert.equal(await inject(rig, 'sos-unanswered'), 202);
  const p0 = await rig.waitFor('SOS alert at P0', async () => {
    const a = (await rig.alerts('firing,acknowledged')).find((x) => x.metricId === 'sos_response_time' && x.level === 'P0');
    return a;
  });
  assert.equal(p0.status, 'firing');
  await rig.waitFor('voice calls to the leads', async () => {
    const c = called();
    return [MOBILE.opsLead, MOBILE.techLead, MOBILE.productLead, MOBILE.operations].every((m) => c.has(m));
  });
  const oncall = [MOBILE.ops1, MOBILE.ops2, MOBILE.techLead];
  assert.ok(oncall.some((m) => called().has(m)), 'the on-call engineer is called');
  await rig.waitFor('SMS to the operations lead', async () => texted().has(MOBILE.operations));
  await rig.waitFor('DingTalk and e-mail', async () => rig.rx.ding.messages.some((m) => /SOS/i.test(m.title + m.text)) && rig.rx.smtp.mails.some((m) => m.to.includes('operations@mindguard.example')));
  assert.ok(rig.rx.ding.messages.some((m) => m.rang.includes(MOBILE.operations)), 'DingTalk @-mentions the operations lead');

  assert.equal(await removeScenario(rig, 'sos-unanswered'), true);
  await rig.waitFor('every SOS alert resolved', async () => {
    const open = (await rig.alerts('firing,acknowledged')).filter((a) => a.metricId === 'sos_response_time');
    const resolved = (await rig.alerts('resolved')).filter((a) => a.metricId === 'sos_response_time');
    return open.length === 0 && resolved.length > 0;
  });
  const resolved = (await rig.alerts('resolved')).find((a) => a.id === p0.id);
  assert.ok(resolved?.resolvedAt, 'the P0 alert records its resolution');
});

test('unauthorised-operation: 越权 export pages the security engineer at P0; resolves after a clean window', async () => {
  const before = rig.rx.tencent.calls.length;
  assert.equal(await inject(rig, 'unauthorised-operation'), 202);
  const a = await rig.waitFor('unauthorised_operation alert', async () => openAlert(rig, 'unauthorised_operation'));
  assert.equal(a.level, 'P0');
  assert.equal(a.responder, 'security_engineer');
  await rig.waitFor('security engineer called', async () => rig.rx.tencent.calls.slice(before).some((c) => c.calledNumber.endsWith(MOBILE.security)));
  await rig.waitFor('e-mail to security', async () => rig.rx.smtp.mails.some((m) => m.to.includes('security@mindguard.example')));
  const out = (await (await fetch(`${rig.tp.url}/api/demo/outbox`)).json()) as { counts: Record<string, number> };
  for (const ch of ['dingtalk', 'wecom', 'sms', 'voice', 'email']) assert.ok((out.counts[ch] ?? 0) > 0, `outbox has ${ch}`);
  const r = await resolveAfterWindow(rig, 'unauthorised_operation', 5 * 60_000);
  assert.equal(r.id, a.id);
});
