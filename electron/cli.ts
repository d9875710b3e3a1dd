// Entry of `npm run cli -- <command>`; the commands live in cli/run.ts.
import { runCli } from './cli/run';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
