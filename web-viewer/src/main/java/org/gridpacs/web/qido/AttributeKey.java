package org.gridpacs.web.qido;

import java.util.regex.Pattern;

import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.web.HttpProblem;

/**
 * An attribute as QIDO-RS names it (PS3.18 8.3.4.1): a keyword ("PatientName") or a tag as 8 hex digits
 * ("00100020", upper or lower case). A dotted path ("00400275.00400009") names an attribute inside a sequence.
 */
final class AttributeKey {
    private static final Pattern TAG = Pattern.compile("\\p{XDigit}{8}");
    /** Looks like a tag someone meant to write: hex digits, at least one of them a digit. */
    private static final Pattern TAG_LIKE = Pattern.compile("(?=.*\\d)\\p{XDigit}+");

    private AttributeKey() {
    }

    /**
     * The tag named, or -1 when {@code name} is not an attribute (another parameter, which QIDO-RS ignores).
     *
     * @throws HttpProblem 400 for a malformed tag or one that is no attribute (group length, item delimiters)
     */
    static int parse(String name, String what) throws HttpProblem {
        if (TAG.matcher(name).matches()) {
            int tag = (int) Long.parseLong(name, 16);
            if ((tag & 0xFFFF) == 0 || tag >>> 16 == 0xFFFE || tag >>> 16 == 0x0002 || tag >>> 16 == 0x0000) {
                throw HttpProblem.badRequest(what + " " + name + ": not an attribute of a data set"
                        + " (group lengths, items and file meta elements cannot be queried)");
            }
            return tag;
        }
        int tag = ElementDictionary.tagForKeyword(name);
        if (tag != -1) {
            return tag;
        }
        if (TAG_LIKE.matcher(name).matches()) {
            throw HttpProblem.badRequest(what + " " + name + ": a tag is 8 hexadecimal digits (gggg eeee), such as"
                    + " 00100020");
        }
        return -1;
    }

    /** The top attribute of a sequence path ("00400275" of "00400275.00400009"), or the name itself. */
    static String top(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
