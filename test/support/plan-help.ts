/**
 * The offline plan's usage and help texts, written out once for the tests that read them from
 * `npm run plan` (plan.test.ts), from the installed `ray-vllm-eks plan` (package-plan.test.ts) and
 * from plan/cli.ts in process (plan-cli.test.ts).
 */

/** `npm run plan`'s usage lines. */
export const REPOSITORY_USAGE = `usage: npm run plan -- <env> [--format text|github]
       npm run plan -- --program <path> [--stack <name>] [--config key=value ...] [--policy-config <file>] [--out <dir>] [--format text|github]`;

/** The installed command's usage line. */
export const INSTALLED_USAGE = "usage: ray-vllm-eks plan [--program <path>] [--stack <name>] [--config key=value ...] [--policy-config <file>] [--out <dir>] [--format text|github]";

const DESCRIPTION = [
    "",
    "Plans a Pulumi TypeScript program offline, under Pulumi's mock engine (no cloud credentials, no",
    "Pulumi CLI), evaluates the ray-vllm-eks policy pack over it, and prints its GPU budget, serving",
    "capacity and cost.",
    "",
];

const EXIT_CODES = [
    "",
    "Exit codes: 0 planned (advisory violations are printed); 1 a mandatory policy violation; 2 a",
    "program or usage error. A run that fails leaves no plan.json, manifests/ or helm/ in the output folder.",
];

/** `npm run plan -- --help`, without the final newline. */
export const REPOSITORY_HELP = [
    REPOSITORY_USAGE,
    ...DESCRIPTION,
    "  <env>                    an environment of programs/ (dev, prod, staging), as the stack of that name",
    "  --program <path>         another program: a folder with Pulumi.yaml or index.ts, or a .ts file",
    "  --stack <name>           the stack to plan it as (default: the environment, or dev), with its Pulumi.<stack>.yaml",
    "  --config, -c key=value   a config value over Pulumi.<stack>.yaml's, as pulumi preview -c (repeatable)",
    "  --policy-config <file>   policy enforcement levels, as pulumi preview --policy-pack-config",
    "                           (default for an environment: policy/config/<env>.json)",
    "  --out <dir>              where plan.json, manifests/ and helm/ go (default: out/<env>, or",
    "                           out/<project>-<stack> for a --program)",
    "  --format text|github     github: print the policy findings as GitHub Actions annotations too",
    "  --help, -h               this help",
    ...EXIT_CODES,
].join("\n");

/** `ray-vllm-eks plan --help`, without the final newline. */
export const INSTALLED_HELP = [
    INSTALLED_USAGE,
    ...DESCRIPTION,
    "  --program <path>         the program: a folder with Pulumi.yaml or index.ts, or a .ts file (default: .)",
    "  --stack <name>           the stack to plan it as (default: dev), with its Pulumi.<stack>.yaml",
    "  --config, -c key=value   a config value over Pulumi.<stack>.yaml's, as pulumi preview -c (repeatable)",
    "  --policy-config <file>   policy enforcement levels, as pulumi preview --policy-pack-config",
    "  --out <dir>              where plan.json, manifests/ and helm/ go (default: out/<project>-<stack>)",
    "  --format text|github     github: print the policy findings as GitHub Actions annotations too",
    "  --help, -h               this help",
    ...EXIT_CODES,
].join("\n");
