package org.gridpacs.archive.query;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.gridpacs.archive.index.MatchingValues;

/**
 * Fuzzy semantic matching of person names (PS3.4 C.2.2.2.1.1 leaves the rules to the SCP; QIDO-RS
 * {@code fuzzymatching=true}). The rule chosen, close to what dcm4chee and Orthanc users expect from a search box:
 * the key's alphabetic group is upper-cased and split into words (on '^' and ' '); a name matches when each word
 * starts some word of the name's alphabetic group (the normalised index column, already upper case), in any order.
 * "jo sm" and "SMITH" both match "Smith^John"; wildcards inside a word keep their meaning. Phonetic matching
 * (Soundex and the like) is not done.
 *
 * <p>Cost: the words may be anywhere in the name, so the database cannot range-scan the name index: a fuzzy name
 * key scans the patient table (LIKE on a short column, a few ms per 10 000 patients on H2).
 */
final class FuzzyNames {
    private FuzzyNames() {
    }

    /** The words of a key, upper case; empty when it has none (nothing but delimiters or '*'). */
    static List<String> words(String key) {
        String norm = MatchingValues.personNameKey(key);
        List<String> words = new ArrayList<>();
        if (norm == null) {
            return words;
        }
        for (String w : norm.split("[\\^ ]+")) {
            if (!w.isEmpty() && !Wildcards.isUniversal(w)) {
                words.add(w);
            }
        }
        return words;
    }

    /** SQL: every word starts the name or follows a '^' or a ' ' in it. */
    static Where.Fragment condition(String expr, List<String> words) {
        List<String> terms = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        String like = expr + " LIKE ? ESCAPE '" + Wildcards.ESCAPE + "'";
        for (String w : words) {
            String p = Wildcards.toLike(w) + "%";
            terms.add("(" + like + " OR " + like + " OR " + like + ")");
            params.add(p);
            params.add("%^" + p);
            params.add("% " + p);
        }
        return new Where.Fragment(String.join(" AND ", terms), params);
    }

    /** The same test in memory, on a normalised name. */
    static Predicate<String> test(List<String> words) {
        List<Pattern> patterns = new ArrayList<>();
        for (String w : words) {
            patterns.add(Pattern.compile("(?:^|[\\^ ])" + Wildcards.toRegex(w).pattern(), Pattern.DOTALL));
        }
        return norm -> norm != null && patterns.stream().allMatch(p -> p.matcher(norm).find());
    }
}
