#!/usr/bin/env node
// Entry of the installed CLI (npm install -g); the repo's bin/ has the same lines. dist/launch.js,
// made by npm run build, runs the start-up bundle with its code cache; without it the tsc output
// runs (docs/startup.md).
const dist = `${__dirname}/../dist`;
let launch = null;
try { launch = require(`${dist}/launch.js`); } catch { /* not bundled */ }
// The "--" the shell launcher puts before an --env-file argument (launch.js drops it itself).
if (!launch && process.argv[2] === '--' && ` ${process.argv.slice(3).join(' ')} `.includes(' --env-file')) process.argv.splice(2, 1);
(launch ? launch.load(dist) : require(`${dist}/cli.js`)).main(process.argv.slice(2), `${__dirname}/..`);
