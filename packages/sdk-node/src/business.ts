/**
 * Business truth from the server: check-ins, tasks, SOS (per SOS id, so the platform can run its
 * 30 s / 60 s timer), AI risk predictions and their human review labels, and retention signals.
 * User ids leave only as keyed pseudonyms.
 */
import { recorderOf, type WithRecorder } from './global.js';
import { eventId, protocolId, shanghaiDay, shanghaiDayStart } from './ids.js';
import { clip, safeText } from './privacy.js';

export type RiskLevel = 'none' | 'low' | 'medium' | 'high';
type Uid = string | number | undefined;

/** Budget of the immediate flush after an SOS (long-running services; cloud functions flush on return). */
const URGENT_FLUSH_MS = 2000;
const MAX_ACTIVE = 50_000;

export function createBusiness(options: WithRecorder = {}) {
  const rec = () => recorderOf(options);
  const active = new Set<string>();
  let activeDay = '';

  const checkin = {
    attempt: (uid?: Uid) => rec().emit({ type: 'checkin', outcome: 'attempt', uid: rec().pseudonym(uid) }),
    success: (uid?: Uid) => rec().emit({ type: 'checkin', outcome: 'success', uid: rec().pseudonym(uid) }),
    failure: (reason?: string, uid?: Uid) =>
      rec().emit({ type: 'checkin', outcome: 'failure', reason: reason === undefined ? undefined : safeText(reason, 128), uid: rec().pseudonym(uid) }),
  };

  const task = {
    due: (taskId: string, taskType?: string, uid?: Uid) => taskEvent('due', taskId, taskType, uid),
    completed: (taskId: string, taskType?: string, uid?: Uid) => taskEvent('completed', taskId, taskType, uid),
  };
  function taskEvent(outcome: 'due' | 'completed', taskId: string, taskType: string | undefined, uid: Uid): void {
    const id = protocolId(taskId);
    rec().emit({ type: 'task', outcome, taskId: id, taskType: taskType === undefined ? undefined : clip(taskType, 64), uid: rec().pseudonym(uid), id: eventId(outcome === 'due' ? 'td' : 'tc', id) });
  }

  function sosEvent(action: 'triggered' | 'acknowledged' | 'answered', sosId: string, by: string | undefined, uid: Uid): void {
    const r = rec();
    const id = protocolId(sosId);
    r.emit({ type: 'sos', sosId: id, action, by: by === undefined ? undefined : clip(safeText(by, 64), 64), uid: r.pseudonym(uid), id: eventId('sos', action, id) });
    void r.flush(URGENT_FLUSH_MS);
  }
  const sos = {
    /** an SOS raised; starts the platform's per-SOS timer */
    triggered: (sosId: string, uid?: Uid) => sosEvent('triggered', sosId, undefined, uid),
    /** seen by a person (not yet an answer) */
    acknowledged: (sosId: string, by?: string) => sosEvent('acknowledged', sosId, by, undefined),
    /** first answer by a person or the crisis service: stops the timer */
    answered: (sosId: string, by?: string) => sosEvent('answered', sosId, by, undefined),
  };

  const risk = {
    predicted: (predictionId: string, level: RiskLevel, modelVersion?: string) => {
      const id = protocolId(predictionId);
      rec().emit({ type: 'risk_predicted', predictionId: id, level, model: modelVersion === undefined ? undefined : clip(modelVersion, 64), id: eventId('rp', id) });
    },
    labelled: (predictionId: string, level: RiskLevel, reviewerRole?: string) => {
      rec().emit({ type: 'risk_labelled', predictionId: protocolId(predictionId), level, reviewer: reviewerRole === undefined ? undefined : clip(reviewerRole, 64) });
    },
  };

  const retention = {
    /** the user was active (call on any authenticated request); one event per user and day */
    active: (uid: Uid, now: number = Date.now()) => {
      const r = rec();
      const p = r.pseudonym(uid);
      if (!p) return;
      const day = shanghaiDay(now);
      if (day !== activeDay || active.size >= MAX_ACTIVE) {
        active.clear();
        activeDay = day;
      }
      if (active.has(p)) return;
      active.add(p);
      // ts = the day's start (UTC+8), so every instance reports the same (id, ts) and the collector keeps one
      r.emit({ type: 'user_active', uid: p, ts: shanghaiDayStart(now), id: eventId('ua', day, p) });
    },
  };

  return { checkin, task, sos, risk, retention };
}

export type Business = ReturnType<typeof createBusiness>;
