package org.gridpacs.federation.deid;

/**
 * The actions of PS3.15 Table E.1-1 (codes of E.3.1). The combined actions leave the choice to what the IOD
 * requires; without per-IOD attribute types, {@link #resolved()} picks the choice that keeps every IOD
 * conformant (a dummy satisfies Type 1, an empty value Type 2), never one that keeps the original value.
 */
public enum ProfileAction {
    /** Replace with a non-zero length dummy value consistent with the VR. */
    D("D"),
    /** Replace with a zero length value (or a dummy). */
    Z("Z"),
    /** Remove. */
    X("X"),
    /** Keep (unchanged for non-sequences, cleaned for sequences). */
    K("K"),
    /** Clean: replace with values of similar meaning known not to contain identifying information. */
    C("C"),
    /** Replace the UID with a non-zero length UID, consistently within the set of instances. */
    U("U"),
    Z_D("Z/D"),
    X_Z("X/Z"),
    X_D("X/D"),
    X_Z_D("X/Z/D"),
    /** X unless Z or the replacement of the UIDs inside the sequence is needed: kept, its UIDs replaced. */
    X_Z_U_STAR("X/Z/U*");

    private final String code;

    ProfileAction(String code) {
        this.code = code;
    }

    /** The code as Table E.1-1 writes it. */
    public String code() {
        return code;
    }

    /** One of D, Z, X, K, C, U: the combined actions resolved as the class comment says. */
    public ProfileAction resolved() {
        return switch (this) {
            case X_Z -> Z;
            case X_D, Z_D, X_Z_D -> D;
            // the sequence stays; its items are de-identified, which replaces the UIDs they hold
            case X_Z_U_STAR -> K;
            default -> this;
        };
    }

    public static ProfileAction ofCode(String code) {
        for (ProfileAction a : values()) {
            if (a.code.equals(code)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown Table E.1-1 action \"" + code + "\"");
    }
}
