// What the local stack says when it cannot start: a message for the operator, with the fix.
export class LocalStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalStackError";
  }
}
