#!/usr/bin/env node
/**
 * `ray-vllm-eks`, the command this package installs (package.json "bin"):
 *
 *   npx ray-vllm-eks plan [--program <path>] [--stack <name>] [--config key=value ...]
 *                         [--policy-config <file>] [--out <dir>] [--format text|github]
 *   npx ray-vllm-eks --help | --version
 *
 * `plan` is the offline plan of this repository's `npm run plan` (plan/cli.ts), for a team's own
 * program: it loads the program (by default the one in the current folder) with the program's
 * own `typescript`, plans it against this installed copy of the package, and evaluates this
 * copy's policy pack. It never resolves `ray-vllm-eks` to anything but this copy: a program that
 * would load another copy is refused, and a copy that does not load fails the plan.
 */
import * as fs from "fs";
import * as path from "path";

import { runPlanProcess } from "./cli";
import { deferClosureDependencies, registerTypeScript, typeScriptFrom } from "./loader";
import { PlanUsageError, Program } from "./project";
import type { PlanSetup } from "./run";

/** The nearest folder at or above `dir` whose package.json names `name`. */
export function packageRootOf(dir: string, name: string): string {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        const manifest = path.join(d, "package.json");
        if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === name) {
            return d;
        }
        if (path.dirname(d) === d) {
            throw new Error(`${__filename} is not inside the ${name} package: reinstall it.`);
        }
    }
}

export const PACKAGE_NAME = "ray-vllm-eks";

/**
 * Loads a TypeScript program with the `typescript` package of its project (as `pulumi preview`
 * does), else the one beside this package; compiled files are cached in the project's
 * node_modules/.cache/ray-vllm-eks-ts.
 */
export function typeScriptLoaderFor(program: Program, packageRoot: string): void {
    if (!/\.[cm]?ts$/.test(program.entry)) {
        return;
    }
    const typescript = typeScriptFrom([program.projectDir, packageRoot]);
    if (typescript === undefined) {
        throw new PlanUsageError(`the program ${program.entry} is TypeScript, and no typescript package is installed in its project or beside ${PACKAGE_NAME}: `
            + "install it in the project (npm install --save-dev typescript), as Pulumi's TypeScript projects do.");
    }
    registerTypeScript({ cacheDir: process.env.RAY_VLLM_EKS_TS_CACHE || path.join(program.projectDir, "node_modules", ".cache", "ray-vllm-eks-ts"), typescript });
}

/** The installed command's setup: no environments, the program in the current folder by default, this copy only. */
export function installedSetup(packageRoot: string, cwd: string = process.cwd()): PlanSetup {
    return {
        command: `${PACKAGE_NAME} plan`,
        baseDir: cwd,
        environments: () => [],
        defaultProgram: ".",
        aliases: {},
        packageName: PACKAGE_NAME,
        installedRoot: packageRoot,
        beforeRun: (program) => typeScriptLoaderFor(program, packageRoot),
    };
}

const HELP = `usage: ${PACKAGE_NAME} plan [options]     the offline plan of a Pulumi program (${PACKAGE_NAME} plan --help)
       ${PACKAGE_NAME} --version            this package's version
       ${PACKAGE_NAME} --help               this help`;

/** Runs the command line; the process exits with the plan's code (0, 1 or 2). */
export function main(argv: readonly string[]): void {
    const root = packageRootOf(__dirname, PACKAGE_NAME);
    const [command, ...rest] = argv;
    switch (command) {
        case "plan":
            deferClosureDependencies();
            runPlanProcess(rest, installedSetup(root));
            return;
        case "--version": case "-v":
            console.log((JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version);
            return;
        case "--help": case "-h": case "help":
            console.log(HELP);
            return;
        default:
            console.error(`${PACKAGE_NAME}: ${command === undefined ? "name a command" : `unknown command ${JSON.stringify(command)}`}\n${HELP}`);
            process.exitCode = 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2));
}
