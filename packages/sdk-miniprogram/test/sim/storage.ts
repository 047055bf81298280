/**
 * wx storage with WeChat's limits: 1 MB per key, 10 MB per mini-program (key + JSON of the data,
 * UTF-8). Exceeding one throws from the *Sync forms and fails the async forms, like WeChat.
 * getStorageSync of a missing key returns '' (not undefined). Survives a relaunch when shared.
 */
export class SimStorage {
  readonly data = new Map<string, string>();
  keyLimit = 1024 * 1024;
  totalLimit = 10 * 1024 * 1024;
  writes = 0;

  private bytes(k: string, v: string): number {
    return Buffer.byteLength(k) + Buffer.byteLength(v);
  }

  used(): number {
    let n = 0;
    for (const [k, v] of this.data) n += this.bytes(k, v);
    return n;
  }

  set(key: string, value: unknown): void {
    if (typeof key !== 'string' || key === '') throw new Error('setStorageSync:fail parameter error: key should be a non-empty string');
    const text = JSON.stringify(value === undefined ? null : value);
    const size = this.bytes(key, text);
    if (size > this.keyLimit) throw new Error('setStorageSync:fail:entry size limit reached');
    const old = this.data.get(key);
    if (this.used() - (old === undefined ? 0 : this.bytes(key, old)) + size > this.totalLimit) {
      throw new Error('setStorageSync:fail:exceed storage max size 10MB');
    }
    this.data.set(key, text);
    this.writes++;
  }

  get(key: string): unknown {
    const text = this.data.get(key);
    return text === undefined ? '' : (JSON.parse(text) as unknown);
  }

  remove(key: string): void {
    this.data.delete(key);
  }

  info(): { keys: string[]; currentSize: number; limitSize: number } {
    return { keys: [...this.data.keys()], currentSize: Math.ceil(this.used() / 1024), limitSize: this.totalLimit / 1024 };
  }
}
