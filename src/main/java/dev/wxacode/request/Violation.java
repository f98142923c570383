package dev.wxacode.request;

import dev.wxacode.text.Untrusted;

/**
 * One broken rule: the field as the caller named it, and the rule in words. Both are escaped once
 * more here, as the last step before they reach a reply, a log line or a dead-letter header: a field
 * name may be the caller's own invention, and a rule may quote the caller's value.
 */
public record Violation(String field, String rule) {

    static final int FIELD_MAX = 128;
    static final int RULE_MAX = 512;

    public Violation {
        field = Untrusted.printable(field, FIELD_MAX);
        rule = Untrusted.printable(rule, RULE_MAX);
    }

    @Override
    public String toString() {
        return field + " " + rule;
    }
}
