/**
 * Parses PromQL with Prometheus's own grammar (@prometheus-io/lezer-promql, maintained in the
 * prometheus/prometheus repository): syntax errors, the metric names an expression reads, and the
 * one type error the grammar lets through that matters here (a range where an instant vector is
 * needed, or the reverse, as in `rate(foo)` or `sum(foo[5m])`).
 */
import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";

/** Functions that take a range vector, and the index of that argument. */
const RANGE_ARGUMENT: Record<string, number> = { quantile_over_time: 1, predict_linear: 0, holt_winters: 0, double_exponential_smoothing: 0 };
for (const f of ["rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "avg_over_time", "min_over_time", "max_over_time",
    "sum_over_time", "count_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time", "absent_over_time"]) {
    RANGE_ARGUMENT[f] = 0;
}

function expressions(node: SyntaxNode | null): SyntaxNode[] {
    const found: SyntaxNode[] = [];
    for (let child = node?.firstChild; child; child = child.nextSibling) {
        if (child.type.is("Expr")) {
            found.push(child);
        }
    }
    return found;
}

function isRange(node: SyntaxNode): boolean {
    if (node.name === "MatrixSelector" || node.name === "SubqueryExpr") {
        return true;
    }
    if (node.name === "ParenExpr" || node.name === "OffsetExpr") {
        const inner = expressions(node);
        return inner.length > 0 && isRange(inner[0]);
    }
    return false;
}

const unquote = (s: string): string => (s.startsWith("`") ? s.slice(1, -1) : s.slice(1, -1).replace(/\\(.)/g, "$1"));

/** The problems of a PromQL expression (empty when it is valid) and the metric names it reads, sorted. */
export function parsePromQL(expr: string): { errors: string[]; metrics: string[] } {
    const errors: string[] = [];
    const metrics = new Set<string>();
    const text = (n: SyntaxNode | null): string => (n ? expr.slice(n.from, n.to) : "");
    parser.parse(expr).iterate({
        enter: (ref) => {
            const n = ref.node;
            if (n.type.isError) {
                errors.push(n.from >= expr.length ? "syntax error: unexpected end of input" : `syntax error at ${n.from}: near "${expr.slice(n.from, n.from + 20)}"`);
                return;
            }
            if (n.name === "VectorSelector") {
                const name = n.getChild("Identifier");
                if (name) {
                    metrics.add(text(name));
                }
                for (let m = n.getChild("LabelMatchers")?.firstChild; m; m = m.nextSibling) {
                    const label = m.name === "UnquotedLabelMatcher" ? text(m.getChild("LabelName")) : "";
                    if (label === "__name__" && m.getChild("MatchOp")?.firstChild?.name === "EqlSingle") {
                        metrics.add(unquote(text(m.getChild("StringLiteral"))));
                    }
                }
            } else if (n.name === "MatrixSelector" && n.firstChild?.name !== "VectorSelector") {
                errors.push(`type error: a range applies only to a selector: "${text(n)}"`);
            } else if (n.name === "FunctionCall" || n.name === "AggregateExpr" || n.name === "BinaryExpr") {
                const what = n.name === "BinaryExpr" ? "a binary operator" : `${text(n.firstChild)}()`;
                const args = n.name === "BinaryExpr" ? expressions(n) : expressions(n.getChild("FunctionCallBody"));
                args.forEach((arg, i) => {
                    const wantsRange = n.name === "FunctionCall" && RANGE_ARGUMENT[text(n.firstChild)] === i;
                    if (wantsRange !== isRange(arg)) {
                        errors.push(`type error: argument ${i + 1} of ${what} must ${wantsRange ? "" : "not "}be a range vector: "${text(arg)}"`);
                    }
                });
            }
        },
    });
    return { errors, metrics: [...metrics].sort() };
}

/** Grafana's interval variables are not PromQL: the value Grafana substitutes, for parsing. */
export function substituteGrafanaVariables(expr: string): string {
    return expr.replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, "5m");
}
