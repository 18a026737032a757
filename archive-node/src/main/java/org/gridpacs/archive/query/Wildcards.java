package org.gridpacs.archive.query;

import java.util.regex.Pattern;

/** DICOM wildcard matching (PS3.4 C.2.2.2.4): '*' any sequence of characters, '?' any one character. */
final class Wildcards {
    /** LIKE escape character; '!' rather than '\' because backslash escaping differs between SQL dialects. */
    static final char ESCAPE = '!';

    private Wildcards() {
    }

    static boolean has(String value) {
        return value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
    }

    /** Universal matching: an empty value, or one made only of '*'. */
    static boolean isUniversal(String value) {
        return value == null || value.isEmpty() || value.chars().allMatch(ch -> ch == '*');
    }

    /** The SQL LIKE pattern (with {@link #ESCAPE}) for a DICOM wildcard value. */
    static String toLike(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int k = 0; k < value.length(); k++) {
            char ch = value.charAt(k);
            switch (ch) {
                case '*' -> sb.append('%');
                case '?' -> sb.append('_');
                case '%', '_', ESCAPE -> sb.append(ESCAPE).append(ch);
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** The characters before the first wildcard. */
    static String literalPrefix(String value) {
        int k = 0;
        while (k < value.length() && value.charAt(k) != '*' && value.charAt(k) != '?') {
            k++;
        }
        return value.substring(0, k);
    }

    /**
     * The smallest string greater than every string starting with {@code prefix} (in code unit order), or null
     * when there is none: the upper bound of an index range scan for a prefix.
     */
    static String successor(String prefix) {
        for (int k = prefix.length() - 1; k >= 0; k--) {
            char ch = prefix.charAt(k);
            if (ch != Character.MAX_VALUE) {
                return prefix.substring(0, k) + (char) (ch + 1);
            }
        }
        return null;
    }

    /** A regular expression for matching in memory (header attributes). */
    static Pattern toRegex(String value) {
        StringBuilder sb = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int k = 0; k < value.length(); k++) {
            char ch = value.charAt(k);
            if (ch == '*' || ch == '?') {
                if (literal.length() > 0) {
                    sb.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                sb.append(ch == '*' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (literal.length() > 0) {
            sb.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }
}
