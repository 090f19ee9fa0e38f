import { BatonError } from "../errors.js";

export enum ScheduleErrorCode {
  /** The slot's epoch is neither the state's current nor its next committee epoch. */
  EPOCH_NOT_AVAILABLE = "SCHEDULE_EPOCH_NOT_AVAILABLE",
  /** The epoch's committee is empty: nobody can lead. */
  NO_COMMITTEE = "SCHEDULE_NO_COMMITTEE",
  /** A caller passed an impossible argument (index >= count, count 0, bad size). */
  INVALID_ARGUMENT = "SCHEDULE_INVALID_ARGUMENT",
}

export type ScheduleErrorType =
  | { code: ScheduleErrorCode.EPOCH_NOT_AVAILABLE; epoch: number; currentEpoch: number; nextEpoch: number; slot?: number }
  | { code: ScheduleErrorCode.NO_COMMITTEE; epoch: number }
  | { code: ScheduleErrorCode.INVALID_ARGUMENT; detail: string };

export class ScheduleError extends BatonError<ScheduleErrorType> {
  constructor(type: ScheduleErrorType) {
    super(type, describe(type));
  }
}

function describe(t: ScheduleErrorType): string {
  switch (t.code) {
    case ScheduleErrorCode.EPOCH_NOT_AVAILABLE:
      return `${t.code}: ${t.slot === undefined ? "" : `slot ${t.slot} is in `}epoch ${t.epoch}; the state holds epochs ${t.currentEpoch} and ${t.nextEpoch}`;
    case ScheduleErrorCode.NO_COMMITTEE:
      return `${t.code}: the committee of epoch ${t.epoch} is empty`;
    case ScheduleErrorCode.INVALID_ARGUMENT:
      return `${t.code}: ${t.detail}`;
  }
}
