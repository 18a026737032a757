package org.gridpacs.dicom.net.pdu;

import java.util.List;
import java.util.Objects;

/** A Presentation Context Item: proposed in an A-ASSOCIATE-RQ (PS3.8 9.3.2.2), answered in an AC (9.3.3.2). */
public sealed interface PresentationContext permits PresentationContext.RQ, PresentationContext.AC {

    /** Presentation context ID: odd, 1..255. */
    int id();

    /**
     * Proposed presentation context (item 0x20).
     *
     * @param abstractSyntax the SOP class or meta SOP class UID
     * @param transferSyntaxes one or more proposed transfer syntax UIDs, in order of preference
     */
    record RQ(int id, String abstractSyntax, List<String> transferSyntaxes) implements PresentationContext {
        public RQ {
            checkId(id);
            Objects.requireNonNull(abstractSyntax, "abstractSyntax");
            transferSyntaxes = List.copyOf(transferSyntaxes); // also rejects null elements
            if (transferSyntaxes.isEmpty()) {
                throw new IllegalArgumentException("presentation context " + id + " proposes no transfer syntax");
            }
        }

        public RQ(int id, String abstractSyntax, String... transferSyntaxes) {
            this(id, abstractSyntax, List.of(transferSyntaxes));
        }
    }

    /**
     * Answer to a proposed presentation context (item 0x21).
     *
     * @param result one of {@code ACCEPTANCE}..{@code TRANSFER_SYNTAXES_NOT_SUPPORTED}
     * @param transferSyntax the accepted transfer syntax; may be null unless the context is accepted
     *     (PS3.8: "not significant" otherwise; null is sent as an empty sub-item)
     */
    record AC(int id, int result, String transferSyntax) implements PresentationContext {
        public static final int ACCEPTANCE = 0;
        public static final int USER_REJECTION = 1;
        /** "no-reason (provider rejection)". */
        public static final int NO_REASON = 2;
        public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
        public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

        public AC {
            checkId(id);
            if (result < ACCEPTANCE || result > TRANSFER_SYNTAXES_NOT_SUPPORTED) {
                throw new IllegalArgumentException("presentation context " + id + ": invalid result " + result);
            }
            if (result == ACCEPTANCE && (transferSyntax == null || transferSyntax.isEmpty())) {
                throw new IllegalArgumentException("accepted presentation context " + id + " has no transfer syntax");
            }
        }

        public static AC accept(int id, String transferSyntax) {
            return new AC(id, ACCEPTANCE, transferSyntax);
        }

        public static AC reject(int id, int result) {
            return new AC(id, result, null);
        }

        public boolean isAccepted() {
            return result == ACCEPTANCE;
        }

        /** Text for a result code as named in PS3.8 Table 9-18. */
        public static String resultText(int result) {
            return switch (result) {
                case ACCEPTANCE -> "acceptance";
                case USER_REJECTION -> "user-rejection";
                case NO_REASON -> "no-reason (provider rejection)";
                case ABSTRACT_SYNTAX_NOT_SUPPORTED -> "abstract-syntax-not-supported (provider rejection)";
                case TRANSFER_SYNTAXES_NOT_SUPPORTED -> "transfer-syntaxes-not-supported (provider rejection)";
                default -> "reserved result " + result;
            };
        }
    }

    private static void checkId(int id) {
        if (id < 1 || id > 255 || (id & 1) == 0) {
            throw new IllegalArgumentException("presentation context ID must be odd, 1..255: " + id);
        }
    }
}
