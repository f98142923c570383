package dev.wxacode.request;

/** One broken rule: the field as the caller named it, and the rule in words. */
public record Violation(String field, String rule) {

    @Override
    public String toString() {
        return field + " " + rule;
    }
}
