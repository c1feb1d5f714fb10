// `npm run build`: bundles the Lambda handlers into dist/ and prints their sizes.
import { buildHandlers } from "../infra/bundle";

buildHandlers()
  .then((bundles) => {
    for (const bundle of Object.values(bundles)) {
      console.log(`${bundle.file}  ${(bundle.bytes / 1024).toFixed(1)} KiB`);
    }
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
