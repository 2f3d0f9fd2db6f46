/**
 * YAML that every reader reads the same way.
 *
 * The plan's manifests and Helm values are read by YAML 1.2 readers (the `yaml` package) and by
 * YAML 1.1 ones: kubectl, Helm and the API machinery read YAML with go-yaml v2
 * (sigs.k8s.io/yaml), and PyYAML reads 1.1. A plain scalar means something else there: `yes`, `on`
 * and `n` are booleans, `0755` is the octal number 493, `1:20` the sexagesimal 80, `1_000` a thousand,
 * `2024-01-02` a date. So a string is written plain only when each of those readers reads the plain
 * text back as that same string; otherwise it is double-quoted. Keys too: a label key `on` is a
 * string key only when quoted.
 *
 * A string with a character YAML 1.1 takes for a line break (NEL, U+2028, U+2029) or that no YAML
 * may hold unescaped (control characters, DEL, C1 controls, a BOM) is written double-quoted with
 * escapes: written raw, a 1.1 reader folds or refuses it even between quotes.
 */
import * as YAML from "yaml";

const STRING_TAG = "tag:yaml.org,2002:str";

/**
 * The patterns by which a schema of the `yaml` package reads a plain scalar as something other
 * than a string: booleans, nulls (the empty scalar too), numbers, timestamps, the merge key `<<`.
 */
function nonStringPatterns(schema: "core" | "yaml-1.1"): RegExp[] {
    return new YAML.Schema({ schema }).tags
        .filter((t): t is YAML.ScalarTag => typeof t === "object" && !t.collection && !!t.default && t.tag !== STRING_TAG)
        .flatMap((t) => (t.test ? [t.test] : []));
}

const NON_STRING = [...nonStringPatterns("core"), ...nonStringPatterns("yaml-1.1")];

/**
 * What go-yaml v2 reads as a number besides those: in a scalar that starts with a sign, a digit or
 * a dot it drops every `_`, then reads Go's integers (prefixes 0b, 0o, 0x in either case, also
 * after a sign) and floats. So `0X1F`, `+0o17`, `-_1` and `1e1_0` are numbers there. Timestamps it
 * resolves too, but hands to an untyped reader as the string: the YAML 1.1 pattern quotes them anyway.
 */
const GO_YAML_V2_NUMBER = /^[-+]?(?:0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)$/;

/** PyYAML reads a plain `=` as YAML 1.1's value type, which its safe loader refuses. */
const PYYAML_VALUE = "=";

/** True when some reader (YAML 1.2 core, YAML 1.1, go-yaml v2) reads `text`, written plain, as something other than that string. */
export function misreadPlain(text: string): boolean {
    return NON_STRING.some((p) => p.test(text))
        || (/^[-+.0-9]/.test(text) && GO_YAML_V2_NUMBER.test(text.replace(/_/g, "")))
        || text === PYYAML_VALUE;
}

/** The characters a YAML 1.1 reader keeps as they are inside a double-quoted scalar (its printable set, less its line breaks and the BOM). */
const KEPT = /[\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** A character no YAML 1.1 reader gets back as it is unless it is escaped. */
const NEEDS_ESCAPE = /[^\t\n\r\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]/u;

const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P" };

/** `text` as a double-quoted scalar, with the escapes YAML 1.1 and 1.2 share. */
export function doubleQuoted(text: string): string {
    let out = "";
    for (const ch of text) {
        if (ESCAPES[ch] !== undefined) {
            out += ESCAPES[ch];
        } else if (KEPT.test(ch)) {
            out += ch;
        } else {
            const code = ch.codePointAt(0)!;
            const [prefix, width] = code <= 0xff ? ["\\x", 2] : code <= 0xffff ? ["\\u", 4] : ["\\U", 8];
            out += prefix + code.toString(16).toUpperCase().padStart(width, "0");
        }
    }
    return `"${out}"`;
}

/** The `yaml` package's tags, with strings (values and keys) written as described above. */
function portableStrings(tags: YAML.Tags): YAML.Tags {
    return tags.map((tag) => {
        if (typeof tag !== "object" || tag.tag !== STRING_TAG || tag.collection || !tag.stringify) {
            return tag;
        }
        const stringify = tag.stringify;
        return {
            ...tag,
            stringify: (item, ctx, onComment, onChompKeep) => {
                const text = String(item.value);
                return misreadPlain(text) || NEEDS_ESCAPE.test(text) ? doubleQuoted(text) : stringify(item, ctx, onComment, onChompKeep);
            },
        };
    });
}

/** `value` as YAML that YAML 1.1 and 1.2 readers read the same way: keys in their order, lines never folded. */
export function portableYaml(value: unknown): string {
    return YAML.stringify(value, { lineWidth: 0, sortMapEntries: false, customTags: portableStrings });
}
