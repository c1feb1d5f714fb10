// The one build makes every handler in a single esbuild run; each bundle is byte for byte what a
// run for that handler alone makes, and its metafile lists what that run would list.
import { buildSync, type Metafile } from "esbuild";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HANDLER_NAMES } from "../../contracts/functions";
import { buildHandlersSync, handlerBuildOptions } from "../../infra/bundle";

const together = mkdtempSync(join(tmpdir(), "bundle-together-"));
const alone = mkdtempSync(join(tmpdir(), "bundle-alone-"));
afterAll(() => {
  rmSync(together, { recursive: true, force: true });
  rmSync(alone, { recursive: true, force: true });
});

const bundles = buildHandlersSync({ outDir: together });

it.each(HANDLER_NAMES)("builds %s as a run for it alone would", (name) => {
  const single = buildSync(handlerBuildOptions(join(alone, name), [name]));
  expect(readFileSync(bundles[name].file)).toEqual(
    readFileSync(join(alone, name, name, "index.js")),
  );
  const ownMetafile = JSON.parse(readFileSync(bundles[name].metafile, "utf8")) as Metafile;
  expect(Object.keys(ownMetafile.inputs).sort()).toEqual(
    Object.keys(single.metafile!.inputs).sort(),
  );
  const [output] = Object.values(ownMetafile.outputs).filter((entry) => entry.entryPoint);
  const [singleOutput] = Object.values(single.metafile!.outputs).filter(
    (entry) => entry.entryPoint,
  );
  expect(output).toEqual(singleOutput);
});
