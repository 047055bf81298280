/** The process-wide recorder that wrappers use unless given their own (set up by `init`). */
import { Recorder } from './recorder.js';

let current = new Recorder();

export function getRecorder(): Recorder {
  return current;
}

export function setRecorder(recorder: Recorder): void {
  current = recorder;
}

/** What every wrapper accepts: its own recorder, or the global one at call time. */
export interface WithRecorder {
  recorder?: Recorder;
}

export function recorderOf(options: WithRecorder | undefined): Recorder {
  return options?.recorder ?? current;
}
