/** Something kept the check from running at all (exit status 2), as opposed to violations. */
export class CheckError extends Error {}
