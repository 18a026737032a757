package org.gridpacs.federation.export;

import java.util.Locale;

import org.gridpacs.federation.deid.DeidentificationOptions;

/**
 * How an export goes out: {@code none} (as stored) or {@code basic} (PS3.15 Annex E Basic Application Level
 * Confidentiality Profile) with options joined by '+': {@code full-dates} (Retain Longitudinal Temporal
 * Information with Full Dates), {@code clean-descriptors} (Clean Descriptors), {@code burned-in} (send instances
 * flagged Burned In Annotation YES too). The canonical name (options in that order) keys the queue.
 */
public record ExportProfile(String name, DeidentificationOptions options) {
    public static final ExportProfile NONE = new ExportProfile("none", null);

    /** Parses a profile name; bad input: an IllegalArgumentException naming it and the accepted forms. */
    public static ExportProfile parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return NONE;
        }
        String[] parts = t.split("\\+");
        if (!parts[0].strip().equals("basic")) {
            throw new IllegalArgumentException("'" + text + "' is not a de-identification profile (none, basic,"
                    + " basic+full-dates, basic+clean-descriptors, basic+burned-in, or options combined with '+')");
        }
        DeidentificationOptions o = DeidentificationOptions.BASIC;
        for (int i = 1; i < parts.length; i++) {
            switch (parts[i].strip()) {
                case "full-dates" -> o = o.withRetainLongitudinalFullDates(true);
                case "clean-descriptors" -> o = o.withCleanDescriptors(true);
                case "burned-in" -> o = o.withAllowBurnedInAnnotation(true);
                default -> throw new IllegalArgumentException("'" + parts[i].strip() + "' in '" + text + "' is not a"
                        + " de-identification option (full-dates, clean-descriptors, burned-in)");
            }
        }
        return of(o);
    }

    /** The profile of these options, with its canonical name. */
    public static ExportProfile of(DeidentificationOptions o) {
        StringBuilder n = new StringBuilder("basic");
        if (o.retainLongitudinalFullDates()) {
            n.append("+full-dates");
        }
        if (o.cleanDescriptors()) {
            n.append("+clean-descriptors");
        }
        if (o.allowBurnedInAnnotation()) {
            n.append("+burned-in");
        }
        return new ExportProfile(n.toString(), o);
    }

    public boolean deidentifies() {
        return options != null;
    }

    /** The De-identification Method as the audit records it. */
    public String method() {
        if (options == null) {
            return null;
        }
        return "Basic Application Confidentiality Profile" + (options.retainLongitudinalFullDates()
                ? ", Retain Longitudinal Temporal Information Full Dates Option" : "")
                + (options.cleanDescriptors() ? ", Clean Descriptors Option" : "");
    }
}
