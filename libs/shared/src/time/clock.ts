import { Injectable } from '@nestjs/common';

// Every expiry decision reads time from here, so tests can move time forward (24 h key rotation,
// 10 min codes, 7 day refresh tokens) without waiting.
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves this process's notion of time forward; used by tests. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
