// Worker for state.test.ts: restores a project from its transfer state, logs a
// range of experiments with a frozen clock, and posts the state back.
import { parentPort, workerData } from "node:worker_threads";
import { Project, setClock, type ProjectState } from "@lazyscribe/core";

const { state, from, to, frozen } = workerData as { state: ProjectState; from: number; to: number; frozen: number };
setClock(() => new Date(frozen));
const project = await Project.fromState(state);
for (let i = from; i < to; i++) {
  await project.log(`experiment ${i}`, async (exp) => {
    exp.logMetric("index", i);
    exp.logParameter("half", i / 2);
    exp.logArtifact("payload", { i }, "json");
  });
}
parentPort!.postMessage(await project.toState());
