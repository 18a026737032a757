package org.gridpacs.federation.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PS3.15 Table E.1-1 (the resource {@code confidentiality-profile.tsv}, which names its edition): the basic
 * profile's action for each attribute and what the two implemented options change, plus the rows of
 * {@code gridpacs-additions.tsv} (attributes GridPACS treats that the table does not list; none since 2026d).
 * Loaded once; immutable.
 */
public final class ConfidentialityProfile {
    private static final String RESOURCE = "confidentiality-profile.tsv";
    /** Rows GridPACS adds, kept apart from the standard's own rows (empty since the 2026d table). */
    private static final String ADDITIONS = "gridpacs-additions.tsv";

    /** One row of the table; an option column is null when the option leaves the basic action. */
    public record Rule(int tag, int mask, String name, ProfileAction basic, ProfileAction fullDates,
                       ProfileAction cleanDescriptors) {

        /** The action under these options, combined actions not yet resolved. */
        public ProfileAction action(DeidentificationOptions options) {
            if (options.retainLongitudinalFullDates() && fullDates != null) {
                return fullDates;
            }
            if (options.cleanDescriptors() && cleanDescriptors != null) {
                return cleanDescriptors;
            }
            return basic;
        }

        public boolean matches(int t) {
            return (t & mask) == tag;
        }
    }

    private static final ConfidentialityProfile TABLE_E_1_1 = load();

    // sorted tags and their rules: a lookup per attribute of every instance, without boxing
    private final int[] tags;
    private final Rule[] exact;
    private final List<Rule> patterns;

    private ConfidentialityProfile(Map<Integer, Rule> byTag, List<Rule> patterns) {
        this.tags = byTag.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.exact = new Rule[tags.length];
        for (int i = 0; i < tags.length; i++) {
            exact[i] = byTag.get(tags[i]);
        }
        this.patterns = patterns;
    }

    public static ConfidentialityProfile tableE11() {
        return TABLE_E_1_1;
    }

    /** The rule for a standard attribute, or null when the table does not list it (then it is kept). */
    public Rule rule(int tag) {
        int i = java.util.Arrays.binarySearch(tags, tag);
        if (i >= 0) {
            return exact[i];
        }
        for (Rule p : patterns) {
            if (p.matches(tag)) {
                return p;
            }
        }
        return null;
    }

    public Collection<Rule> rules() {
        List<Rule> all = new ArrayList<>(List.of(exact));
        all.addAll(patterns);
        return Collections.unmodifiableList(all);
    }

    private static ConfidentialityProfile load() {
        Map<Integer, Rule> exact = new HashMap<>(1024);
        List<Rule> patterns = new ArrayList<>();
        read(RESOURCE, exact, patterns);
        read(ADDITIONS, exact, patterns);
        return new ConfidentialityProfile(Map.copyOf(exact), List.copyOf(patterns));
    }

    private static void read(String resource, Map<Integer, Rule> exact, List<Rule> patterns) {
        InputStream in = ConfidentialityProfile.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing resource " + resource);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isEmpty() || line.charAt(0) == '#') {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 5) {
                    throw new IllegalStateException(resource + " line " + n + ": expected 5 columns");
                }
                int[] tm = pattern(f[0], n);
                Rule rule = new Rule(tm[0], tm[1], f[1], ProfileAction.ofCode(f[2]), option(f[3]), option(f[4]));
                if (tm[1] == -1) {
                    if (exact.put(tm[0], rule) != null) {
                        throw new IllegalStateException(resource + " line " + n + ": tag listed twice");
                    }
                } else {
                    patterns.add(rule);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProfileAction option(String code) {
        return code.isEmpty() ? null : ProfileAction.ofCode(code);
    }

    /** "60xx3000" as {value, mask}; x matches any hex digit. */
    private static int[] pattern(String text, int line) {
        if (text.length() != 8) {
            throw new IllegalStateException("line " + line + ": bad tag " + text);
        }
        int value = 0;
        int mask = 0;
        for (int i = 0; i < 8; i++) {
            char c = text.charAt(i);
            boolean wild = c == 'x' || c == 'X';
            int d = wild ? 0 : Character.digit(c, 16);
            if (d < 0) {
                throw new IllegalStateException("line " + line + ": bad tag " + text);
            }
            value = value << 4 | d;
            mask = mask << 4 | (wild ? 0 : 0xF);
        }
        return new int[] {value, mask};
    }
}
