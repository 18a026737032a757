package org.gridpacs.federation.deid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Action C for free-text descriptors (Clean Descriptors Option, PS3.15 E.3.5): the descriptor is kept with
 * every identifier that the instance itself carries (names, IDs, dates, institution) replaced by "***". It
 * cannot catch identifiers that appear nowhere else in the header: hence the option is off by default and
 * its use a decision of the exporting site.
 */
final class DescriptorCleaner {
    static final String MASK = "***";
    private static final int MIN_TOKEN = 3;

    private final List<String> needles = new ArrayList<>();

    /** Records an identifying value (the original value of an attribute the profile removes or replaces). */
    void addIdentifier(String value, boolean personName) {
        if (value == null || value.isBlank()) {
            return;
        }
        Set<String> parts = new LinkedHashSet<>();
        parts.add(value.trim());
        for (String v : value.split("\\\\")) {
            parts.add(v.trim());
            if (personName) {
                for (String c : v.split("[\\^=]")) {
                    parts.add(c.trim());
                }
            }
        }
        for (String p : parts) {
            if (p.length() >= MIN_TOKEN && !needles.contains(p.toLowerCase(Locale.ROOT))) {
                needles.add(p.toLowerCase(Locale.ROOT));
            }
        }
        // longest first, so that "Smith^John" is masked whole before "Smith"
        needles.sort(Comparator.comparingInt(String::length).reversed());
    }

    String clean(String text) {
        if (text == null || text.isEmpty() || needles.isEmpty()) {
            return text;
        }
        String out = text;
        for (String n : needles) {
            out = replaceIgnoreCase(out, n);
        }
        return out;
    }

    private static String replaceIgnoreCase(String s, String needleLower) {
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.length() != s.length()) {
            return s.toLowerCase(Locale.ROOT).replace(needleLower, MASK); // rare: case mapping changed lengths
        }
        int at = lower.indexOf(needleLower);
        if (at < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int from = 0;
        while (at >= 0) {
            sb.append(s, from, at).append(MASK);
            from = at + needleLower.length();
            at = lower.indexOf(needleLower, from);
        }
        return sb.append(s, from, s.length()).toString();
    }
}
