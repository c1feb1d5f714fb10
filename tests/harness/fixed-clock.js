// Preloaded with `node --require` (through NODE_OPTIONS, so the policy pack the check starts gets
// it too): moves the process's clock so that today, in UTC, is FIXED_CLOCK_DAY (YYYY-MM-DD). The
// clock keeps running from there, so timeouts and durations behave. Tests only; the pack has no
// setting of its own that changes its date.
const day = process.env.FIXED_CLOCK_DAY;
if (day) {
  const RealDate = Date;
  const offset = RealDate.parse(`${day}T12:00:00Z`) - RealDate.now();
  if (Number.isNaN(offset)) throw new Error(`FIXED_CLOCK_DAY=${day} is not a YYYY-MM-DD day`);
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
