// The offline check's side of a program run: the engine's `runProgram` (tools/engine/), contained,
// its one-line failure turned into the check's CheckError (exit status 2).
import { runProgram, ProgramRunError, type ProgramJob } from "../engine/run-program";
import type { ProgramRun } from "../engine/program-run";
import { CheckError } from "./check-error";

export type { ProgramJob };

export async function runProgramInChild(job: ProgramJob): Promise<ProgramRun> {
  try {
    return await runProgram({ ...job, contained: true });
  } catch (error) {
    if (error instanceof ProgramRunError) throw new CheckError(error.message);
    throw error;
  }
}
